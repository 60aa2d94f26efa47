"""The template composer: sections, sources, disclaimer, no guarantees, wording by item."""

import re

import pytest

from creditai.assistant.guard import find_violations

from creditai import LABELS
from creditai.assistant.composer import (DISCLAIMER, REFUSALS, SECTIONS, compose_answer, compose_education,
                                         compose_refusal)
from creditai.data.policy import POLICY_PASSAGES, AccountType as A, Claim as C, ItemFacts, Status as S, decide

GUARANTEE = re.compile(r"\bguarantee[sd]?\b|\bwill be (removed|deleted)\b|\b100%|\bdefinitely\b|\b(we|i) promise\b", re.I)
PASSAGES = [{"text": "Bureaus must reinvestigate within 30 days.", "source": "kb/fcra-611.md", "title": "FCRA 611",
             "doc_type": "law", "score": 0.9}]


def _check(answer):
    for name in SECTIONS:
        assert f"{name}:\n" in answer.text
        assert answer.sections[name].strip()
    assert answer.text.index("SUMMARY:") < answer.text.index("NEXT STEPS:") < answer.text.index("SOURCES:")
    assert answer.text.rstrip().endswith(DISCLAIMER)


@pytest.mark.parametrize("label", LABELS)
def test_answer_has_every_section_sources_and_disclaimer(label):
    answer = compose_answer(label, passages=PASSAGES)
    _check(answer)
    assert "[1] FCRA 611 (kb/fcra-611.md)" in answer.text
    assert answer.citations[0]["source"] == "kb/fcra-611.md"
    assert not GUARANTEE.search(answer.text)


def test_wording_follows_account_type_and_issue():
    inquiry = ItemFacts(account_type=A.INQUIRY, creditor="Carvana", claim=C.UNAUTHORIZED_INQUIRY)
    medical = ItemFacts(account_type=A.MEDICAL, creditor="Mercy Hospital", balance=200.0, status=S.COLLECTION)
    texts = []
    for facts in (inquiry, medical):
        d = decide(facts)
        assert d.label == "eligible"
        texts.append(compose_answer(d.label, rules=[d.rule], facts=facts).text)
    assert texts[0] != texts[1]
    assert "inquiry" in texts[0].lower() and "medical" in texts[1].lower()
    assert "Carvana" in texts[0]


def test_answer_rejects_unknown_label():
    with pytest.raises(ValueError):
        compose_answer("maybe")


def test_education_cites_passages():
    answer = compose_education("How long does a collection stay?", [POLICY_PASSAGES[3]])
    _check(answer)
    assert "(FCRA 605)" in answer.text


@pytest.mark.parametrize("category", sorted(REFUSALS))
def test_refusals_decline_and_offer_lawful_alternative(category):
    answer = compose_refusal(category)
    _check(answer)
    assert "can't" in answer.sections["SUMMARY"]
    assert answer.sections["RECOMMENDED ACTION"] == REFUSALS[category].alternative
    assert re.search(r"\b(CROA|FCRA|FDCPA) \d", answer.sections["ANALYSIS"])  # the law, named
    assert answer.citations and "[1]" in answer.sections["ANALYSIS"]
    assert find_violations(answer.text) == []  # "no one can guarantee" is a warning, not a promise


def test_every_request_category_has_a_refusal():
    from creditai.data.policy import PROHIBITED

    assert set(REFUSALS) == set(PROHIBITED)


def test_guarantee_refusal_opens_with_no():
    assert compose_refusal("outcome_guarantee").sections["SUMMARY"].startswith("No.")


@pytest.mark.parametrize("category,alternative", [
    ("dispute_accurate_as_inaccurate", "goodwill"), ("false_identity_theft_or_report", "605B"),
    ("false_threat_or_impersonation", "CFPB"), ("identity_alteration", "secured card")])
def test_refusal_alternatives_fit_the_category(category, alternative):
    assert alternative in compose_refusal(category).sections["RECOMMENDED ACTION"]


def test_refusal_gives_the_fcra_605_removal_date_from_the_request():
    from datetime import date

    from creditai.data.policy import AccountType, ItemFacts

    facts = ItemFacts(account_type=AccountType.COLLECTION, dofd=date(2021, 3, 1))
    answer = compose_refusal("dispute_accurate_as_inaccurate", facts)
    assert "August 28, 2028" in answer.sections["RECOMMENDED ACTION"]  # 180 days + 7 years


def test_refusal_reporting_period_note_only_where_it_is_the_law():
    from datetime import date

    from creditai.data.policy import AccountType, ItemFacts

    old = ItemFacts(account_type=AccountType.COLLECTION, dofd=date(2015, 1, 1))
    assert "already past its reporting period" in compose_refusal("dispute_accurate_as_inaccurate", old).sections[
        "RECOMMENDED ACTION"]
    inquiry = ItemFacts(account_type=AccountType.INQUIRY, event_date=date(2026, 1, 1))
    assert "FCRA 605)" not in compose_refusal("dispute_accurate_as_inaccurate", inquiry).sections["RECOMMENDED ACTION"]
    recent = ItemFacts(account_type=AccountType.COLLECTION, dofd=date(2021, 3, 1))
    assert "2028" not in compose_refusal("advance_fee", recent).sections["RECOMMENDED ACTION"]  # not an item category
