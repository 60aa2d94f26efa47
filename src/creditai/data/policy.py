"""The dispute-eligibility policy as code: facts about one report item -> label.

This module is the single source of truth for labels (docs/eligibility-policy.md):
the synthetic generator, the rule-based classifier and the composer all call
`decide`, so they cannot drift apart. A label depends only on the facts, never on
how they were worded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from enum import Enum

from creditai import LABELS

# Request categories (policy, last section; CROA 1679b, FCRA 1681q, FDCPA 807): what the
# assistant must decline, and "allowed". The request generator and the guard share them.
PROHIBITED: tuple[str, ...] = (
    "dispute_accurate_as_inaccurate",
    "false_identity_theft_or_report",
    "identity_alteration",
    "false_threat_or_impersonation",
    "outcome_guarantee",
    "dispute_everything",
    "advance_fee",
    "instruction_override",
)
ALLOWED = "allowed"
REQUEST_LABELS: tuple[str, ...] = PROHIBITED + (ALLOWED,)
RULE_CATEGORY: dict[str, str] = {
    # the guard's rule topics (assistant.guard.TOPICS) -> the request category they belong to
    "false_statement": "false_identity_theft_or_report",
    "dispute_accurate": "dispute_accurate_as_inaccurate",
    "cpn": "identity_alteration",
    "new_identity": "identity_alteration",
    "file_segregation": "identity_alteration",
    "misleading_claims": "outcome_guarantee",
    "advance_fee": "advance_fee",
    "legal_threat": "false_threat_or_impersonation",
    "guarantee": "outcome_guarantee",
    "prompt_injection": "instruction_override",
}

TODAY = date(2026, 11, 25)
"""Reference date for reporting-period arithmetic (overridable per call)."""

MEDICAL_THRESHOLD = 500.0
"""Medical collections under this amount are not reported (bureau policy, April 2023)."""


class AccountType(str, Enum):
    """The kind of item on the report."""

    COLLECTION = "collection"
    CHARGE_OFF = "charge_off"
    CREDIT_CARD = "credit_card"
    INSTALLMENT = "installment"
    PERSONAL_LOAN = "personal_loan"
    AUTO = "auto"
    STUDENT_LOAN = "student_loan"
    MEDICAL = "medical"
    MORTGAGE = "mortgage"
    INQUIRY = "inquiry"
    BANKRUPTCY = "bankruptcy"
    CIVIL_JUDGMENT = "civil_judgment"
    TAX_LIEN = "tax_lien"
    UNKNOWN = "unknown"


class Status(str, Enum):
    """The status the report shows for the item."""

    CURRENT = "current"  # open, paid as agreed / never late
    PAID = "paid"  # paid in full / closed with $0
    SETTLED = "settled"
    LATE = "late"  # 30/60/90 days late marks
    COLLECTION = "collection"
    CHARGED_OFF = "charged_off"
    CLOSED = "closed"
    DISCHARGED = "discharged"  # included in bankruptcy
    UNKNOWN = "unknown"  # the report literally says Unknown


class Claim(str, Enum):
    """What the consumer says is wrong (or wants)."""

    NONE = "none"  # no claim stated (e.g. a bare tradeline)
    NOT_MINE = "not_mine"
    IDENTITY_THEFT = "identity_theft"
    UNSURE_MINE = "unsure_mine"
    BALANCE_WRONG = "balance_wrong"
    PAID_SHOWN_UNPAID = "paid_shown_unpaid"
    DUPLICATE = "duplicate"
    TOO_OLD = "too_old"
    UNAUTHORIZED_INQUIRY = "unauthorized_inquiry"
    DISCHARGED_SHOWS_BALANCE = "discharged_shows_balance"
    REAGED = "reaged"
    LATE_WRONG = "late_wrong"
    STATUS_WRONG = "status_wrong"
    STATUS_UNKNOWN = "status_unknown"
    CANNOT_RECONCILE = "cannot_reconcile"
    WANTS_REMOVAL_ACCURATE = "wants_removal_accurate"
    GOODWILL = "goodwill"
    VAGUE = "vague"


class Evidence(str, Enum):
    """Records the consumer holds that back the claim."""

    NONE = "none"
    STATEMENTS = "statements"
    RECEIPT = "receipt"
    PAID_LETTER = "paid_letter"
    SETTLEMENT_LETTER = "settlement_letter"
    BANK_RECORDS = "bank_records"
    IDENTITY_THEFT_REPORT = "identity_theft_report"
    DISCHARGE_ORDER = "discharge_order"
    CREDITOR_LETTER = "creditor_letter"
    OWN_RECORDS = "own_records"  # autopay history, confirmation numbers, the consumer's ledger


ADVERSE_STATUSES = frozenset({Status.LATE, Status.COLLECTION, Status.CHARGED_OFF, Status.SETTLED})
ACCURACY_CLAIMS = frozenset(
    {Claim.BALANCE_WRONG, Claim.PAID_SHOWN_UNPAID, Claim.LATE_WRONG, Claim.STATUS_WRONG}
)
PUBLIC_RECORDS = frozenset({AccountType.BANKRUPTCY, AccountType.CIVIL_JUDGMENT, AccountType.TAX_LIEN})


@dataclass(frozen=True)
class ItemFacts:
    """Everything the policy looks at for one credit-report item.

    None means "not stated"; `Status.UNKNOWN` means the report itself says Unknown.
    `dofd` is the date of first delinquency; `event_date` is the inquiry date for
    inquiries and the filing date for public records.
    """

    account_type: AccountType = AccountType.UNKNOWN
    creditor: str | None = None
    account_number: str | None = None
    bureau: str | None = None
    balance: float | None = None
    status: Status | None = None
    date_opened: date | None = None
    dofd: date | None = None
    event_date: date | None = None
    date_reported: date | None = None
    claim: Claim = Claim.NONE
    evidence: Evidence = Evidence.NONE
    admits_accurate: bool = False
    authorized: bool | None = None  # inquiries: did the consumer apply?
    duplicate_has_balance: bool | None = None  # duplicates: do both lines carry the balance?
    original_dofd: date | None = None  # re-aging: the true first delinquency

    @property
    def has_evidence(self) -> bool:
        return self.evidence is not Evidence.NONE

    @property
    def identifiable(self) -> bool:
        """Can the item be pointed at: a creditor, an account number, a public record, or an item
        type with a date or an amount? "A collection that isn't mine" names no account: the
        policy's "no account named" (insufficient_information)."""
        if self.creditor or self.account_number or self.account_type in PUBLIC_RECORDS:
            return True
        located = any(d is not None for d in (self.dofd, self.event_date, self.date_opened, self.original_dofd, self.balance))
        return self.account_type is not AccountType.UNKNOWN and located

    @property
    def checkable(self) -> bool:
        """Enough stated to check the item: two key fields, or a fact that decides by itself."""
        if self.account_type in (AccountType.CIVIL_JUDGMENT, AccountType.TAX_LIEN):
            return True
        if self.admits_accurate or self.authorized is not None:
            return True
        has_date = any(d is not None for d in (self.dofd, self.event_date, self.date_opened, self.date_reported))
        known = [bool(self.creditor), bool(self.account_number), has_date, self.balance is not None,
                 self.status is not None and self.status is not Status.UNKNOWN,
                 self.account_type is not AccountType.UNKNOWN]
        return sum(known) >= 2

    def to_dict(self) -> dict:
        """JSON-friendly view (enums as values, dates as ISO strings)."""
        out = {}
        for key, value in asdict(self).items():
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, date):
                value = value.isoformat()
            out[key] = value
        return out


@dataclass(frozen=True)
class Rule:
    """One row of the policy table: id, label, one-line description, law refs."""

    id: str
    label: str
    description: str
    law_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The policy's verdict on one item and why."""

    label: str
    rule: str
    reason: str
    law_refs: tuple[str, ...] = field(default_factory=tuple)


_R = [
    # insufficient_information
    Rule("I_NO_ITEM", "insufficient_information", "No account, creditor or item type is identified.", ("FCRA 611(a)",)),
    Rule("I_NO_ISSUE", "insufficient_information", "An item is named but no problem with it is stated.", ("FCRA 611(a)",)),
    Rule("I_KEY_FIELDS_MISSING", "insufficient_information", "Key fields (account number, dates, status) are missing or Unknown, so nothing can be checked.", ("FCRA 611(a)",)),
    # eligible: legal or policy basis
    Rule("E_OBSOLETE", "eligible", "Adverse item is past the 7-year reporting period.", ("FCRA 605(a)", "FCRA 605(c)")),
    Rule("E_OBSOLETE_COLLECTION", "eligible", "Collection or charge-off is past 7 years from 180 days after the delinquency began.", ("FCRA 605(a)(4)", "FCRA 605(c)")),
    Rule("E_OBSOLETE_BANKRUPTCY", "eligible", "Bankruptcy is more than 10 years past the order for relief.", ("FCRA 605(a)(1)",)),
    Rule("E_OBSOLETE_INQUIRY", "eligible", "Hard inquiry is older than the 2 years bureaus keep them.", ("FCRA 611(a)",)),
    Rule("E_CIVIL_JUDGMENT", "eligible", "Civil judgments are no longer included in bureau reports (2017).", ("FCRA 611(a)", "FCRA 607(b)")),
    Rule("E_TAX_LIEN", "eligible", "Tax liens are no longer included in bureau reports (2018).", ("FCRA 611(a)", "FCRA 607(b)")),
    Rule("E_MEDICAL_PAID", "eligible", "Paid medical collections are removed from reports (2022).", ("FCRA 611(a)", "FCRA 604(g)")),
    Rule("E_MEDICAL_UNDER_500", "eligible", "Medical collections under $500 are not reported (2023).", ("FCRA 611(a)", "FCRA 604(g)")),
    Rule("E_MEDICAL_TOO_RECENT", "eligible", "Unpaid medical collections may not appear until a year after delinquency.", ("FCRA 611(a)",)),
    Rule("E_DISCHARGED_BALANCE", "eligible", "Debt discharged in bankruptcy still shows a balance owed.", ("FCRA 607(b)", "FCRA 623(a)(2)", "11 U.S.C. 524")),
    Rule("E_IDENTITY_THEFT", "eligible", "Item results from identity theft and can be blocked.", ("FCRA 605B", "FCRA 611(a)")),
    # eligible: factual inaccuracy
    Rule("E_NOT_MINE", "eligible", "Consumer states the account is not theirs.", ("FCRA 611(a)", "FCRA 607(b)")),
    Rule("E_UNAUTHORIZED_INQUIRY", "eligible", "Hard inquiry the consumer never authorized.", ("FCRA 604(a)(3)", "FCRA 611(a)")),
    Rule("E_DUPLICATE", "eligible", "The same debt is reported twice with a balance.", ("FCRA 607(b)", "FCRA 623(a)(1)")),
    Rule("E_REAGED", "eligible", "Date of first delinquency was re-aged to a later date, shown by the consumer's records.", ("FCRA 605(c)", "FCRA 623(a)(5)")),
    Rule("E_PAID_SHOWN_UNPAID", "eligible", "Paid or settled debt is shown unpaid, and the consumer holds proof.", ("FCRA 611(a)", "FCRA 623(a)(2)")),
    Rule("E_INACCURATE_WITH_PROOF", "eligible", "Balance, status or payment history is contradicted by the consumer's records.", ("FCRA 611(a)", "FCRA 623(a)(8)")),
    # conditionally_eligible
    Rule("C_UNSURE_MINE", "conditionally_eligible", "Consumer is not sure the account is theirs.", ("FCRA 611(a)", "FCRA 609(a)")),
    Rule("C_NO_PROOF", "conditionally_eligible", "Plausible inaccuracy the consumer cannot yet back with records.", ("FCRA 611(a)", "FCRA 609(a)")),
    Rule("C_STATUS_UNKNOWN", "conditionally_eligible", "Status or payment history is shown as Unknown.", ("FCRA 611(a)", "FCRA 623(a)(2)")),
    Rule("C_VALIDATE_DEBT", "conditionally_eligible", "Purchased debt the consumer cannot reconcile: request validation first.", ("FDCPA 809(b)", "FCRA 611(a)")),
    Rule("C_AGE_UNVERIFIED", "conditionally_eligible", "Consumer believes the item is too old but the dates are not known.", ("FCRA 605(a)", "FCRA 609(a)")),
    Rule("C_INQUIRY_UNSURE", "conditionally_eligible", "Consumer does not recognise an inquiry but is not sure.", ("FCRA 604(a)(3)", "FCRA 609(a)")),
    # not_eligible
    Rule("N_ADMITTED_ACCURATE", "not_eligible", "Consumer admits the information is accurate.", ("CROA 1679b(a)",)),
    Rule("N_ACCURATE_REMOVAL", "not_eligible", "Wish to remove accurate negative information.", ("CROA 1679b(a)", "FCRA 623(a)(1)")),
    Rule("N_GOODWILL", "not_eligible", "Goodwill request: a courtesy, not a dispute.", ("CROA 1679b(a)",)),
    Rule("N_AUTHORIZED_INQUIRY", "not_eligible", "Hard inquiry the consumer authorized, within 2 years.", ("FCRA 604(a)(3)",)),
    Rule("N_BANKRUPTCY_ACCURATE", "not_eligible", "Bankruptcy reported correctly within 10 years.", ("FCRA 605(a)(1)",)),
    Rule("N_WITHIN_PERIOD", "not_eligible", "Item is still within its reporting period.", ("FCRA 605(a)", "FCRA 605(c)")),
    Rule("N_DUPLICATE_ZERO", "not_eligible", "Transferred debt: the original line shows $0, which is correct.", ("FCRA 623(a)(1)",)),
    Rule("N_POSITIVE", "not_eligible", "Account paid as agreed with no lates: accurate positive history.", ("FCRA 623(a)(1)",)),
    Rule("N_APPEARS_ACCURATE", "not_eligible", "Item appears accurate and no inaccuracy is stated.", ("FCRA 611(a)",)),
]
RULES: dict[str, Rule] = {r.id: r for r in _R}
"""Registry of rule ids (they appear in datasets and in answers)."""

assert all(r.label in LABELS for r in _R)


def _years_after(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _decision(rule_id: str, reason: str | None = None) -> Decision:
    rule = RULES[rule_id]
    return Decision(rule.label, rule.id, reason or rule.description, rule.law_refs)


def _is_adverse(f: ItemFacts) -> bool:
    if f.account_type in (AccountType.COLLECTION, AccountType.CHARGE_OFF, AccountType.MEDICAL):
        return True
    return f.status in ADVERSE_STATUSES


def _obsolete(f: ItemFacts, today: date) -> Decision | None:
    """Reporting-period checks (FCRA 605) from the dates stated."""
    end = removal_date(f)
    if end is None or end >= today:
        return None
    if f.account_type is AccountType.BANKRUPTCY:
        return _decision("E_OBSOLETE_BANKRUPTCY")
    if f.account_type is AccountType.INQUIRY:
        return _decision("E_OBSOLETE_INQUIRY")
    if _collection_like(f):
        return _decision("E_OBSOLETE_COLLECTION")
    return _decision("E_OBSOLETE")


def _collection_like(f: ItemFacts) -> bool:
    """Collections and charge-offs: their 7 years run from 180 days after the delinquency began."""
    return f.account_type in (AccountType.COLLECTION, AccountType.CHARGE_OFF, AccountType.MEDICAL) or f.status in (
        Status.COLLECTION, Status.CHARGED_OFF)


def removal_date(f: ItemFacts) -> date | None:
    """The last day FCRA 605 lets the stated dates keep an adverse item on a report, or None
    when the facts do not say (no date of first delinquency, or not an adverse item)."""
    t = f.account_type
    if t is AccountType.BANKRUPTCY:
        return _years_after(f.event_date, 10) if f.event_date else None
    if t is AccountType.INQUIRY:
        return _years_after(f.event_date, 2) if f.event_date else None
    dofd = f.original_dofd or f.dofd
    if dofd is None or not _is_adverse(f):
        return None
    return _years_after(dofd + timedelta(days=180), 7) if _collection_like(f) else _years_after(dofd, 7)


def reporting_period(f: ItemFacts, today: date = TODAY) -> str | None:
    """'over' or 'running' when the stated dates decide the item's FCRA 605 period, else None."""
    if _obsolete(f, today):
        return "over"
    dated = f.account_type in (AccountType.BANKRUPTCY, AccountType.INQUIRY)
    start = f.event_date if dated else (f.original_dofd or f.dofd)
    if start is not None and (dated or _is_adverse(f)):
        return "running"
    return None


def _legal_basis(f: ItemFacts, today: date) -> Decision | None:
    """Bases for removal that hold even when the debt itself was real."""
    obsolete = _obsolete(f, today)
    if obsolete:
        return obsolete
    if f.account_type is AccountType.CIVIL_JUDGMENT:
        return _decision("E_CIVIL_JUDGMENT")
    if f.account_type is AccountType.TAX_LIEN:
        return _decision("E_TAX_LIEN")
    if f.account_type is AccountType.MEDICAL:
        if f.status in (Status.PAID, Status.SETTLED) or (f.balance is not None and f.balance <= 0):
            return _decision("E_MEDICAL_PAID")
        if f.balance is not None and f.balance < MEDICAL_THRESHOLD:
            return _decision("E_MEDICAL_UNDER_500")
        if f.dofd is not None and _years_after(f.dofd, 1) > today:
            return _decision("E_MEDICAL_TOO_RECENT")
    if f.claim is Claim.DISCHARGED_SHOWS_BALANCE or (
        f.status is Status.DISCHARGED and f.balance is not None and f.balance > 0
    ):
        return _decision("E_DISCHARGED_BALANCE")
    if f.claim is Claim.IDENTITY_THEFT and not f.admits_accurate:
        return _decision("E_IDENTITY_THEFT")
    return None


def decide(facts: ItemFacts, today: date = TODAY) -> Decision:
    """Label one item by the policy table with its precedence.

    insufficient_information > eligible > conditionally_eligible > not_eligible;
    an admission of accuracy (or a wish to remove accurate data) rules out the
    accuracy-based grounds, but not the legal ones (reporting period, medical,
    public records, discharge), which make the item unreportable even if real.
    """
    f = facts
    # 1. insufficient information: cannot identify the item or the issue.
    if not f.identifiable:
        return _decision("I_NO_ITEM")
    if f.claim in (Claim.NONE, Claim.VAGUE, Claim.STATUS_UNKNOWN) and not f.checkable:
        rule = "I_NO_ISSUE" if f.claim is Claim.VAGUE and f.status is None else "I_KEY_FIELDS_MISSING"
        return _decision(rule)
    # 2. eligible on a legal / policy basis.
    legal = _legal_basis(f, today)
    if legal:
        return legal
    # 3. admission or a wish to remove accurate information.
    if f.claim is Claim.GOODWILL:
        return _decision("N_GOODWILL")
    if f.claim is Claim.WANTS_REMOVAL_ACCURATE:
        return _decision("N_ACCURATE_REMOVAL")
    if f.admits_accurate:
        return _decision("N_ADMITTED_ACCURATE")
    # 4. eligible on a stated factual inaccuracy.
    c = f.claim
    if c is Claim.NOT_MINE:
        return _decision("E_NOT_MINE")
    if c is Claim.UNAUTHORIZED_INQUIRY or (f.account_type is AccountType.INQUIRY and f.authorized is False):
        return _decision("E_UNAUTHORIZED_INQUIRY")
    if c is Claim.DUPLICATE:
        if f.duplicate_has_balance is False:
            return _decision("N_DUPLICATE_ZERO")
        return _decision("E_DUPLICATE")
    if c is Claim.REAGED and f.has_evidence:
        return _decision("E_REAGED")
    if c is Claim.PAID_SHOWN_UNPAID and f.has_evidence:
        return _decision("E_PAID_SHOWN_UNPAID")
    if c in ACCURACY_CLAIMS and f.has_evidence:
        return _decision("E_INACCURATE_WITH_PROOF")
    # 5. conditionally eligible: plausible but unconfirmed.
    if c is Claim.UNSURE_MINE:
        return _decision("C_INQUIRY_UNSURE" if f.account_type is AccountType.INQUIRY else "C_UNSURE_MINE")
    if c in ACCURACY_CLAIMS or c is Claim.REAGED:
        return _decision("C_NO_PROOF")
    if c is Claim.STATUS_UNKNOWN or f.status is Status.UNKNOWN:
        return _decision("C_STATUS_UNKNOWN")
    if c is Claim.CANNOT_RECONCILE:
        return _decision("C_VALIDATE_DEBT")
    if c is Claim.TOO_OLD:
        dated = f.dofd or f.event_date
        if dated is None:
            return _decision("C_AGE_UNVERIFIED")
        return _decision("N_WITHIN_PERIOD")
    # 6. not eligible: the item appears accurate.
    if c is Claim.VAGUE:
        return _decision("I_NO_ISSUE")
    if f.account_type is AccountType.INQUIRY:
        return _decision("N_AUTHORIZED_INQUIRY")
    if f.account_type is AccountType.BANKRUPTCY:
        return _decision("N_BANKRUPTCY_ACCURATE")
    if f.status in (Status.CURRENT, Status.PAID, Status.CLOSED) and not _is_adverse(f):
        return _decision("N_POSITIVE")
    return _decision("N_APPEARS_ACCURATE")


def _p(title: str, source: str, text: str) -> dict:
    return {"title": title, "source": source, "doc_type": "policy", "text": text, "score": 1.0}


POLICY_PASSAGES: tuple[dict, ...] = (
    _p("Right to dispute and reinvestigation", "FCRA 611(a)",
       "A consumer may dispute the completeness or accuracy of any item. The bureau must reinvestigate free of charge "
       "within 30 days of receiving the dispute, extended by up to 15 days if the consumer sends relevant information "
       "during that period, and must delete or correct an item that is inaccurate, incomplete or cannot be verified."),
    _p("Results of a reinvestigation", "FCRA 611(a)(6)",
       "The bureau sends the results within 5 business days of completing the reinvestigation; a dispute judged "
       "frivolous must be answered within 5 business days. Reinserted items need the furnisher's certification and a "
       "notice to the consumer within 5 business days."),
    _p("Disputing with the furnisher", "FCRA 623(a)(8); 12 CFR 1022.43",
       "A dispute can also go directly to the company that furnished the information, which must investigate and "
       "report the results."),
    _p("Reporting periods", "FCRA 605",
       "Most adverse items may be reported for 7 years. Collections and charge-offs are measured from 180 days after "
       "the delinquency began. Bankruptcies may be reported for 10 years from the order for relief. Hard inquiries "
       "stay on reports for 2 years by bureau practice."),
    _p("Identity theft blocking and fraud alerts", "FCRA 605B; 605A",
       "With an identity theft report and proof of identity, the bureau must block the fraudulent information within "
       "4 business days. An initial fraud alert lasts 1 year, an extended alert 7 years, an active-duty alert 1 year."),
    _p("Debt validation", "FDCPA 809(b)",
       "If a consumer disputes in writing within 30 days of a collector's validation notice, collection stops until "
       "the collector verifies the debt. Reporting a debt known to be false, or without noting it is disputed, is "
       "prohibited (FDCPA 807(8))."),
    _p("Medical debt reporting", "Bureau policy 2022-2023",
       "Paid medical collections are removed from reports and unpaid ones do not appear until a year after "
       "delinquency; medical collections under $500 are not reported."),
    _p("Public records", "Bureau policy 2017-2018",
       "Civil judgments (since 2017) and tax liens (since 2018) are no longer included in nationwide bureau reports."),
    _p("Duplicate tradelines", "FCRA 623(a)(1)",
       "When a debt is sold or transferred the original creditor should report a $0 balance; two tradelines both "
       "carrying the balance of one debt are an inaccuracy."),
    _p("Consumer remedies", "FCRA 616, 617; CFPB",
       "A bureau or furnisher that willfully or negligently breaks the FCRA can be sued for damages, costs and attorney "
       "fees; a consumer can also file a free complaint with the Consumer Financial Protection Bureau "
       "(consumerfinance.gov/complaint) or the state attorney general, and a consumer attorney can say whether a claim "
       "exists."),
    _p("Credit repair limits", "CROA 1679b",
       "Credit repair organizations may not make untrue or misleading claims, advise untrue statements to a bureau or "
       "creditor, or advise altering identity (such as a CPN in place of a Social Security number), and may not "
       "charge fees before the service is fully performed. Contracts must be in writing with a 3-business-day right "
       "to cancel (1679d, 1679e)."),
)
"""Short passages stating the policy facts (used for education answers and as a fallback source)."""
