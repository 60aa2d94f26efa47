"""PII redaction: every kind of identifier goes, the facts an auditor needs stay."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditai.service.redact import redact, redact_obj

CASES = [
    # (text, placeholder expected, secret that must be gone)
    ("My SSN is 123-45-6789.", "[SSN]", "123-45-6789"),
    ("ssn 123 45 6789 on file", "[SSN]", "123 45 6789"),
    ("SSN: 123456789", "SSN: [SSN]", "123456789"),
    ("social security number 987654321", "[SSN]", "987654321"),
    ("card 4111 1111 1111 1111 was charged", "[CARD]", "4111 1111 1111 1111"),
    ("card 4111-1111-1111-1111", "[CARD]", "4111-1111-1111-1111"),
    ("amex 378282246310005", "[CARD]", "378282246310005"),
    ("Account #12345678 at Capital One", "Account #[ACCOUNT]", "12345678"),
    ("acct no. AB-1234-5678 is wrong", "[ACCOUNT]", "AB-1234-5678"),
    ("account number: 000123456789", "[ACCOUNT]", "000123456789"),
    ("loan 77881234 was sold", "[ACCOUNT]", "77881234"),
    ("reference 4455667788", "[ACCOUNT]", "4455667788"),
    ("the number 99887766 appears", "[NUMBER]", "99887766"),
    ("call me at (555) 123-4567", "[PHONE]", "123-4567"),
    ("phone 555-123-4567", "[PHONE]", "555-123-4567"),
    ("phone 555.123.4567", "[PHONE]", "555.123.4567"),
    ("phone +1 555 123 4567", "[PHONE]", "555 123 4567"),
    ("write to john.doe+cr@example.co.uk today", "[EMAIL]", "john.doe+cr@example.co.uk"),
    ("DOB: 01/02/1980", "DOB: [DOB]", "01/02/1980"),
    ("date of birth 1980-02-01", "[DOB]", "1980-02-01"),
    ("born on March 3, 1975 in Ohio", "[DOB]", "March 3, 1975"),
    ("birthday 3rd March 1975", "[DOB]", "3rd March 1975"),
    ("I live at 123 Main St, Apt 4B", "[ADDRESS]", "123 Main St"),
    ("moved to 4567 N Oak Avenue last year", "[ADDRESS]", "4567 N Oak Avenue"),
    ("99 elm street", "[ADDRESS]", "99 elm street"),
    ("mail PO Box 1234", "[ADDRESS]", "Box 1234"),
]


@pytest.mark.parametrize(("text", "placeholder", "secret"), CASES)
def test_redacts_each_kind(text: str, placeholder: str, secret: str) -> None:
    out = redact(text)
    assert placeholder in out
    assert secret not in out


KEEP = [
    "This charge-off is incorrect",
    "The balance is $1,234.56, reported in 2019 and charged off on 03/15/2019",
    "A $150000 judgment at 29.9% APR",
    "3 accounts were reported 2 times in 7 years",
    "reported 30 days late on the way home; 2 cases went to court",
    "account XXXX1234 and card ending ****5678",
    "FCRA 611(a)(5)(B) and 15 U.S.C. 1681i",
]


@pytest.mark.parametrize("text", KEEP)
def test_keeps_facts(text: str) -> None:
    assert redact(text) == text


def test_several_kinds_in_one_text_and_idempotent() -> None:
    text = (
        "Jane, DOB 02/03/1981, SSN 123-45-6789, of 12 Pine Road, email jane@x.io, phone 555-222-3333, "
        "says account 55667788 shows a $2,000 balance."
    )
    out = redact(text)
    for secret in ("02/03/1981", "123-45-6789", "12 Pine Road", "jane@x.io", "555-222-3333", "55667788"):
        assert secret not in out
    assert "$2,000" in out
    assert redact(out) == out


def test_redact_obj_walks_json() -> None:
    out = redact_obj({"a": ["SSN 123-45-6789", 3, None], "b": {"c": "x@y.com"}, "d": 1.5})
    assert out == {"a": ["SSN [SSN]", 3, None], "b": {"c": "[EMAIL]"}, "d": 1.5}
    assert redact("") == "" and redact(None) == ""


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("abc XYZ.,;:!?"), max_size=30),
    st.from_regex(r"\d{3}-\d{2}-\d{4}", fullmatch=True),
    st.text(alphabet=st.sampled_from("abc XYZ.,;:!?"), max_size=30),
)
def test_ssn_never_survives(prefix: str, ssn: str, suffix: str) -> None:
    out = redact(f"{prefix} {ssn} {suffix}")
    assert ssn not in out
    assert redact(out) == out


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_safe_and_idempotent(text: str) -> None:
    out = redact(text)
    assert isinstance(out, str)
    assert redact(out) == out
