"""Intent detection and the completeness check for one request.

Intents: `dispute` (an item on the consumer's report to assess), `education` (a general
question about the law or the process, including questions *about* prohibited schemes),
`document_request` (write a letter / template) and `prohibited` (refused by the guard).

Completeness: a dispute needs an identifiable item and problem. When the eligibility
decision is `insufficient_information`, `check_completeness` lists the missing details so
the answer's NEXT STEPS can ask for exactly those.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from creditai.assistant.guard import RequestVerdict, screen_request

INTENTS: tuple[str, ...] = ("dispute", "education", "document_request", "prohibited")

# "write me a dispute letter", "draft a goodwill letter", "give me a template for ..."
_DOCUMENT = re.compile(
    r"\b(write|draft|create|generate|make|prepare|compose|give me|send me|need|want|help me (write|draft|with))\b"
    r"[\w\s'-]{0,40}\b(letters?|templates?|sample letter|form letter|notice|request letter)\b"
    r"|\b(letter|template) (for|to) (dispute|send|request|ask)\b",
    re.IGNORECASE,
)
# A general question about rules or process ("how long does ...", "what is a 609 letter").
_GENERAL_QUESTION = re.compile(
    r"^\W*(how long|how (does|do|is|are) (the |a |an |credit |bureaus?|collectors?|disputes?|inquiries|it)|"
    r"what('?s| is| are| does| do| happens| information| rights| can)|why (is|does|do|are)|when (do|does|is|are)|"
    r"is (it|there|a|an|this|that)|are (they|there|bureaus?|collectors?|medical|paid)|"
    r"do (i|you|goodwill|bureaus?|collectors?|\w+ letters?)|does|can (i|a|the|they|collectors?|bureaus?)|"
    r"should i|who|which|where)\b",
    re.IGNORECASE,
)
# The consumer's own item ("my Capital One card", "I have a $300 medical collection").
_OWN_ITEM = re.compile(
    r"\b(my|mine|i have an?|there'?s an?|there is an?|i got an?)\s+([\w$,.-]+\s+){0,3}"
    r"(account|collection|card|loan|debt|inquiry|late payment|lates?|charge[- ]?off|bankruptcy|mortgage|balance|"
    r"tradeline|judgment|lien|repo(ssession)?)s?\b",
    re.IGNORECASE,
)
# Bounded runs: `\|.*\|` and a `^\s*` that crosses lines retried from every bar or line start.
_TRADELINE = re.compile(r"\|[^\n|]{0,300}\||^[ \t]*[A-Za-z ]{3,30}:[ \t]*\S+[^\n]{0,300}\n(?:[ \t]*\n){0,2}[ \t]*"
                        r"[A-Za-z ]{3,30}:[ \t]*\S+", re.MULTILINE)
_VAGUE_CLAIMS = {"none", "vague", "goodwill"}


@dataclass
class IntentResult:
    """The detected intent, why, and the guard's verdict on the request."""

    intent: str
    reasons: list[str] = field(default_factory=list)
    verdict: RequestVerdict | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["verdict"] = self.verdict.as_dict() if self.verdict else None
        return out


def _facts_value(facts: Any, name: str) -> Any:
    if facts is None:
        return None
    value = facts.get(name) if isinstance(facts, dict) else getattr(facts, name, None)
    return getattr(value, "value", value)


def _specific_item(facts: Any) -> list[str]:
    """Concrete details the rules parser found (creditor, account number, amount, claim)."""
    found = []
    for name in ("creditor", "account_number", "balance"):
        if _facts_value(facts, name) not in (None, ""):
            found.append(name)
    if str(_facts_value(facts, "claim") or "none") not in _VAGUE_CLAIMS:
        found.append(f"claim:{_facts_value(facts, 'claim')}")
    return found


def detect_intent(text: str, *, facts: Any = None, verdict: RequestVerdict | None = None) -> IntentResult:
    """Intent of one request; `facts` are the rules parser's ItemFacts (optional, improves dispute detection)."""
    verdict = verdict or screen_request(text)
    if not verdict.allowed:
        return IntentResult("prohibited", [f"refused by the guard: {verdict.category}"], verdict)
    if verdict.about == "dispute_accurate" and _specific_item(facts):
        # "it's accurate, can I dispute it anyway?": assess the item (the policy says not eligible and why)
        return IntentResult("dispute", ["asks whether an item admitted accurate can be disputed"], verdict)
    if verdict.about:
        return IntentResult("education", [f"asks about a prohibited topic ({verdict.about})"], verdict)
    if _DOCUMENT.search(text):
        return IntentResult("document_request", ["asks for a letter or template"], verdict)
    specific = _specific_item(facts)
    own = _OWN_ITEM.search(text)
    general = _GENERAL_QUESTION.search(text)
    if _TRADELINE.search(text):
        return IntentResult("dispute", ["tradeline-formatted item"], verdict)
    strong = [s for s in specific if s != "creditor" or own] if general else specific
    if general and not (strong and (own or any(s in ("account_number", "balance") for s in strong))):
        return IntentResult("education", ["general question about rules or process"], verdict)
    if strong:
        return IntentResult("dispute", [f"item details: {', '.join(strong)}"], verdict)
    if "?" in text:
        return IntentResult("education", ["a question without an identifiable item"], verdict)
    return IntentResult("dispute", ["describes a report item (details may be missing)"], verdict)


@dataclass
class Completeness:
    """Whether the item can be assessed; `missing` lists the details to ask for."""

    complete: bool
    missing: list[str] = field(default_factory=list)

    def next_steps_text(self) -> str:
        if self.complete or not self.missing:
            return ""
        items = "; ".join(self.missing)
        return f"To assess this item, please send: {items}."

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_DATE = re.compile(r"\b(19|20)\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
                   re.IGNORECASE)


def check_completeness(text: str, label: str | None, facts: Any = None) -> Completeness:
    """An item labelled `insufficient_information` is incomplete: list what is missing."""
    if label != "insufficient_information":
        return Completeness(True)
    missing = []
    if _facts_value(facts, "creditor") in (None, ""):
        missing.append("the creditor or collection agency's name")
    if str(_facts_value(facts, "account_type") or "unknown") == "unknown":
        missing.append("the type of account (credit card, loan, collection, inquiry, ...)")
    if _facts_value(facts, "account_number") in (None, ""):
        missing.append("the last 4 digits of the account number")
    if not any(_facts_value(facts, d) for d in ("date_opened", "dofd", "event_date", "date_reported")) and not _DATE.search(text):
        missing.append("the dates shown (opened, first delinquency, last reported)")
    if _facts_value(facts, "balance") is None or str(_facts_value(facts, "status") or "unknown") == "unknown":
        missing.append("the balance and status the report shows")
    if str(_facts_value(facts, "claim") or "none") in _VAGUE_CLAIMS:
        missing.append("what exactly is wrong (balance, status, dates, or whether the account is yours) and what records you have")
    return Completeness(False, missing or ["the item's details as they appear on the report and what is wrong with them"])
