"""PII redaction for everything the service stores or logs.

No library installed here does this offline for US credit-report text (Presidio and
similar need spaCy models and network set-up), so this is small, well-tested domain
glue: ordered regular expressions, most specific first, each replacing a match with a
typed placeholder such as "[SSN]". Redaction is deliberately greedy (a false positive
only hides a number from the audit log; a false negative leaks PII). Dollar amounts,
years, percentages and already-masked numbers ("XXXX1234", "****1234") are kept
because they carry the facts an auditor needs.
"""

from __future__ import annotations

import re
from typing import Any

_SEP = r"[ \-.]"
_UNIT = r"(?:,?\s+(?i:apt|apartment|unit|suite|ste|#)\.?\s*#?\s*[A-Za-z0-9\-]+)?"

# (placeholder, compiled pattern) in the order they are applied.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # e-mail first: its digits must not be taken for phone or account numbers.
    ("[EMAIL]", re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")),
    # date of birth: a DOB label followed by a date in any common form.
    (
        "[DOB]",
        re.compile(
            r"\b(?P<keep>(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)"
            r"\s*(?:[:#\-]|is|was)?\s*)"
            r"(?:\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}|\d{4}[/\-.]\d{1,2}[/\-.]\d{1,2}"
            r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
            r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4})",
            re.IGNORECASE,
        ),
    ),
    # SSN / ITIN: 3-2-4 with separators, or a 9-digit run after an SSN label.
    ("[SSN]", re.compile(r"\b\d{3}[ \-.]\d{2}[ \-.]\d{4}\b")),
    (
        "[SSN]",
        re.compile(r"(?i)\b(?P<keep>(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?|itin)\s*[:#]?\s*)\d{9}\b"),
    ),
    # payment card: 13-19 digits, optionally grouped by spaces or dashes.
    ("[CARD]", re.compile(r"(?<![\d$])\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,7}(?!\d)")),
    # phone: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567.
    (
        "[PHONE]",
        re.compile(r"(?<![\w$])(?:\+?1[ \-.]?)?(?:\(\d{3}\)\s?|\d{3}" + _SEP + r")\d{3}" + _SEP + r"\d{4}(?!\d)"),
    ),
    # account number after a label: "acct #12345678", "account number: AB-1234-5678".
    (
        "[ACCOUNT]",
        re.compile(
            r"(?i)\b(?P<keep>(?:account|acct|acc|a/c|loan|policy|member|reference|ref|case)\.?"
            r"\s*(?:number|num|no\.?|#|id)?\s*[:#]?\s*)"
            r"(?=[A-Z0-9\-]*\d{3})(?![Xx*]{2,})[A-Z0-9][A-Z0-9\-]{3,}[A-Z0-9]\b"
        ),
    ),
    # any remaining long digit run (6+ digits, not a dollar amount or already masked).
    ("[NUMBER]", re.compile(r"(?<![\d$,.*Xx])\d{6,}(?![\d,]*\.\d)")),
    # street address: house number + capitalised name + street suffix (+ unit) ...
    (
        "[ADDRESS]",
        re.compile(
            r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][A-Za-z0-9'\.\-]*\s+){1,4}?"
            r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|circle|cir"
            r"|way|place|pl|terrace|ter|parkway|pkwy|highway|hwy|trail|trl|square|sq)\b\.?" + _UNIT
        ),
    ),
    # ... or any name before an unambiguous suffix ("123 main street").
    (
        "[ADDRESS]",
        re.compile(
            r"(?i)\b\d{1,6}\s+(?:[A-Za-z0-9'\.\-]+\s+){1,3}?"
            r"(?:street|avenue|road|boulevard|blvd|lane|parkway|pkwy|terrace)\b\.?" + _UNIT
        ),
    ),
    ("[ADDRESS]", re.compile(r"(?i)\bP\.?\s?O\.?\s+Box\s+\d+\b")),
]


def redact(text: str | None) -> str:
    """`text` with every SSN, card, account and phone number, e-mail, date of birth and
    street address replaced by a placeholder. Idempotent: redacting twice changes nothing."""
    if not text:
        return text or ""
    for placeholder, pattern in _PATTERNS:
        if "keep" in pattern.groupindex:  # keep the label ("DOB: [DOB]"), drop the value
            text = pattern.sub(lambda m, p=placeholder: m.group("keep") + p, text)
        else:
            text = pattern.sub(placeholder, text)
    return text


def redact_obj(value: Any) -> Any:
    """Redact every string inside a JSON-like value (dicts, lists, tuples)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_obj(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_obj(v) for v in value]
    return value
