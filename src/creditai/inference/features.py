"""Fact hints: the rule extractor's reading of a text, written as a short prefix for the encoder.

The eligibility label depends on arithmetic a small encoder cannot learn from a thousand
examples (a date of first delinquency more than 7 years ago, a medical balance under
$500, a bankruptcy older than 10 years). The rule extractor computes those; the model
reads them beside the raw text and learns when to trust them. Training and inference
both call `with_hints`, so the two can never format the input differently.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Sequence

from creditai.data.policy import MEDICAL_THRESHOLD, TODAY, AccountType, Claim, Evidence, reporting_period

HINT_VERSION = 2  # 2: the reporting period's state (a 7.2-year-old collection DOFD is "7 to 10 years ago" but not obsolete)


@lru_cache(maxsize=1)
def _extractor():
    from creditai.data.rules import RuleClassifier

    return RuleClassifier()


def _age(d: date | None, today: date) -> str | None:
    if d is None:
        return None
    years = (today - d).days / 365.25
    if years < 0:
        return "in the future"
    if years > 10:
        return "over 10 years ago"
    if years > 7:
        return "7 to 10 years ago"
    if years > 2:
        return "2 to 7 years ago"
    return "under 2 years ago"


def fact_hints(text: str, today: date = TODAY) -> str:
    """One line of extracted facts, e.g. `type medical | balance under 500 | delinquency 7 to 10 years ago`."""
    facts, _ = _extractor().extract(text)
    parts = []
    if facts.account_type is not AccountType.UNKNOWN:
        parts.append(f"type {facts.account_type.value.replace('_', ' ')}")
    if facts.status is not None:
        parts.append(f"status {facts.status.value.replace('_', ' ')}")
    if facts.balance is not None:
        parts.append("balance zero" if facts.balance == 0 else
                     f"balance {'under' if facts.balance < MEDICAL_THRESHOLD else 'over'} 500")
    for name, d in (("delinquency", facts.dofd), ("event", facts.event_date), ("original delinquency", facts.original_dofd)):
        age = _age(d, today)
        if age:
            parts.append(f"{name} {age}")
    period = reporting_period(facts, today)
    if period:
        parts.append(f"reporting period {period}")
    if facts.claim is not Claim.NONE:
        parts.append(f"claim {facts.claim.value.replace('_', ' ')}")
    if facts.evidence is not Evidence.NONE:
        parts.append(f"evidence {facts.evidence.value.replace('_', ' ')}")
    if facts.admits_accurate:
        parts.append("admits accurate")
    if facts.authorized is not None:
        parts.append("authorized" if facts.authorized else "not authorized")
    if facts.duplicate_has_balance:
        parts.append("duplicate with balance")
    if not facts.identifiable:
        parts.append("item not identified")
    return " | ".join(parts) or "no facts found"


def with_hints(tokenizer, texts: Sequence[str], *, max_length: int, hints: bool, truncation: str = "end"):
    """Tokenize texts (as `hints [SEP] text` pairs when `hints`).

    The text is truncated first; the hints are cut only when they alone would leave the text
    fewer tokens than themselves (a very small max_length), which "only_second" refused with
    an error. `truncation="head_tail"` (texts without hints) keeps a long text's first quarter
    and last three quarters of max_length tokens instead of its start.
    """
    texts = [str(t) for t in texts]
    if truncation == "head_tail" and not hints:
        return _head_tail(tokenizer, texts, max_length)
    if not hints:
        return tokenizer(texts, truncation=True, max_length=max_length)
    return tokenizer([fact_hints(t) for t in texts], texts, truncation="longest_first", max_length=max_length)


def _head_tail(tokenizer, texts: list[str], max_length: int) -> dict[str, list[list[int]]]:
    """Tokenize whole (the callers bound text length), then keep [CLS] + head ... tail + [SEP]."""
    enc = tokenizer(texts, truncation=False, verbose=False)
    keep = max(2, max_length)
    head = (keep - 2) // 4
    tail = keep - 2 - head
    out: dict[str, list[list[int]]] = {k: [] for k in enc.keys()}
    for i in range(len(texts)):
        for k in enc.keys():
            seq = list(enc[k][i])
            if len(seq) > keep:  # seq = [CLS] body [SEP]
                body = seq[1:-1]
                seq = [seq[0], *body[:head], *(body[-tail:] if tail else []), seq[-1]]
            out[k].append(seq)
    return out
