"""The policy table and its precedence, fact by fact."""

from datetime import date

import pytest

from creditai import LABELS
from creditai.data.policy import RULES, TODAY, AccountType as A, Claim as C, Evidence as E, ItemFacts, Status as S, decide


def item(**kw) -> ItemFacts:
    base = dict(account_type=A.COLLECTION, creditor="Midland Credit Management", account_number="1234",
                status=S.COLLECTION, balance=900.0, dofd=date(2023, 3, 1))
    base.update(kw)
    return ItemFacts(**base)


@pytest.mark.parametrize("facts, label, rule", [
    (item(claim=C.NOT_MINE), "eligible", "E_NOT_MINE"),
    (item(claim=C.IDENTITY_THEFT), "eligible", "E_IDENTITY_THEFT"),
    (item(claim=C.UNSURE_MINE), "conditionally_eligible", "C_UNSURE_MINE"),
    (item(claim=C.BALANCE_WRONG), "conditionally_eligible", "C_NO_PROOF"),
    (item(claim=C.BALANCE_WRONG, evidence=E.STATEMENTS), "eligible", "E_INACCURATE_WITH_PROOF"),
    (item(claim=C.PAID_SHOWN_UNPAID, evidence=E.PAID_LETTER), "eligible", "E_PAID_SHOWN_UNPAID"),
    (item(claim=C.CANNOT_RECONCILE), "conditionally_eligible", "C_VALIDATE_DEBT"),
    (item(claim=C.DUPLICATE, duplicate_has_balance=True), "eligible", "E_DUPLICATE"),
    (item(claim=C.DUPLICATE, duplicate_has_balance=False), "not_eligible", "N_DUPLICATE_ZERO"),
    (item(claim=C.WANTS_REMOVAL_ACCURATE), "not_eligible", "N_ACCURATE_REMOVAL"),
    (item(claim=C.GOODWILL), "not_eligible", "N_GOODWILL"),
    (item(claim=C.NONE), "not_eligible", "N_APPEARS_ACCURATE"),
    (item(claim=C.TOO_OLD), "not_eligible", "N_WITHIN_PERIOD"),
    (item(claim=C.TOO_OLD, dofd=None), "conditionally_eligible", "C_AGE_UNVERIFIED"),
    (item(claim=C.STATUS_UNKNOWN, status=S.UNKNOWN), "conditionally_eligible", "C_STATUS_UNKNOWN"),
    (ItemFacts(claim=C.VAGUE), "insufficient_information", "I_NO_ITEM"),
    (ItemFacts(claim=C.VAGUE, creditor="Capital One"), "insufficient_information", "I_NO_ISSUE"),
    (ItemFacts(creditor="Capital One", status=S.UNKNOWN), "insufficient_information", "I_KEY_FIELDS_MISSING"),
    (ItemFacts(account_type=A.TAX_LIEN), "eligible", "E_TAX_LIEN"),
    (ItemFacts(account_type=A.CIVIL_JUDGMENT, creditor="Small Claims Court"), "eligible", "E_CIVIL_JUDGMENT"),
])
def test_policy_table(facts, label, rule):
    d = decide(facts)
    assert (d.label, d.rule) == (label, rule)
    assert d.law_refs == RULES[rule].law_refs


def test_reporting_periods_follow_fcra_605():
    # collections: 7 years from 180 days after the delinquency began
    assert decide(item(dofd=date(2019, 4, 1))).rule == "E_OBSOLETE_COLLECTION"  # ends 2026-09-28
    assert decide(item(dofd=date(2019, 8, 1))).label == "not_eligible"  # ends 2027-01-28
    # other adverse items: 7 years from delinquency
    card = dict(account_type=A.CREDIT_CARD, status=S.LATE, creditor="Chase")
    assert decide(ItemFacts(**card, dofd=date(2019, 10, 1))).rule == "E_OBSOLETE"
    assert decide(ItemFacts(**card, dofd=date(2020, 1, 1))).label == "not_eligible"
    bk = dict(account_type=A.BANKRUPTCY, creditor="US Bankruptcy Court")
    assert decide(ItemFacts(**bk, event_date=date(2016, 1, 1))).rule == "E_OBSOLETE_BANKRUPTCY"
    assert decide(ItemFacts(**bk, event_date=date(2018, 1, 1))).rule == "N_BANKRUPTCY_ACCURATE"
    inq = dict(account_type=A.INQUIRY, creditor="Carvana", authorized=True)
    assert decide(ItemFacts(**inq, event_date=date(2024, 10, 1))).rule == "E_OBSOLETE_INQUIRY"
    assert decide(ItemFacts(**inq, event_date=date(2025, 6, 1))).rule == "N_AUTHORIZED_INQUIRY"
    assert decide(ItemFacts(**inq | {"authorized": False}, event_date=date(2025, 6, 1))).rule == "E_UNAUTHORIZED_INQUIRY"


def test_today_is_a_parameter():
    facts = item(dofd=date(2019, 8, 1))
    assert decide(facts).label == "not_eligible"
    assert decide(facts, today=date(2027, 6, 1)).rule == "E_OBSOLETE_COLLECTION"
    assert TODAY == date(2026, 11, 25)


def test_medical_rules():
    med = dict(account_type=A.MEDICAL, creditor="Mercy Hospital", dofd=date(2024, 1, 1), status=S.COLLECTION)
    assert decide(ItemFacts(**med, balance=320.0)).rule == "E_MEDICAL_UNDER_500"
    assert decide(ItemFacts(**med | {"status": S.PAID})).rule == "E_MEDICAL_PAID"
    assert decide(ItemFacts(**med, balance=1500.0)).label == "not_eligible"
    assert decide(ItemFacts(**med | {"dofd": date(2026, 6, 1)}, balance=1500.0)).rule == "E_MEDICAL_TOO_RECENT"


def test_admission_makes_accuracy_claims_not_eligible_but_not_legal_grounds():
    assert decide(item(claim=C.LATE_WRONG, admits_accurate=True)).rule == "N_ADMITTED_ACCURATE"
    assert decide(item(claim=C.BALANCE_WRONG, evidence=E.STATEMENTS, admits_accurate=True)).label == "not_eligible"
    # an admitted but obsolete item is still unreportable
    assert decide(item(admits_accurate=True, dofd=date(2015, 1, 1))).label == "eligible"


def test_wish_to_remove_accurate_information_is_never_eligible_on_its_own():
    for claim in (C.WANTS_REMOVAL_ACCURATE, C.GOODWILL):
        for status in (S.LATE, S.CURRENT, S.CHARGED_OFF, S.COLLECTION):
            assert decide(item(claim=claim, status=status)).label == "not_eligible"


def test_insufficient_information_outranks_everything():
    assert decide(ItemFacts(claim=C.NOT_MINE)).label == "insufficient_information"
    assert decide(ItemFacts(claim=C.IDENTITY_THEFT, evidence=E.IDENTITY_THEFT_REPORT)).label == "insufficient_information"


def test_discharged_debt_with_balance_is_eligible():
    facts = item(account_type=A.CREDIT_CARD, status=S.DISCHARGED, balance=2200.0)
    assert decide(facts).rule == "E_DISCHARGED_BALANCE"


def test_rules_registry_is_complete():
    assert {r.label for r in RULES.values()} == set(LABELS)
    for rule in RULES.values():
        assert rule.id and rule.description and rule.law_refs
    assert item(claim=C.NOT_MINE).to_dict()["dofd"] == "2023-03-01"


def test_reporting_period_state_follows_the_period_of_each_type():
    """The hint the classifier reads: a collection's 7 years run from 180 days after the DOFD."""
    from creditai.data.policy import reporting_period

    today = date(2026, 11, 20)
    assert reporting_period(item(dofd=date(2019, 9, 1)), today) == "running"  # 7.2 years: not yet
    assert reporting_period(item(dofd=date(2018, 9, 1)), today) == "over"
    late = dict(account_type=A.CREDIT_CARD, status=S.LATE)
    assert reporting_period(item(**late, dofd=date(2019, 9, 1)), today) == "over"  # 7 years, no 180 days
    assert reporting_period(item(account_type=A.BANKRUPTCY, status=S.DISCHARGED, dofd=None,
                                 event_date=date(2021, 6, 1)), today) == "running"
    assert reporting_period(item(account_type=A.INQUIRY, status=None, dofd=None, event_date=date(2023, 1, 1)), today) == "over"
    assert reporting_period(item(account_type=A.CREDIT_CARD, status=S.CURRENT), today) is None  # not adverse
    assert reporting_period(item(dofd=None), today) is None


def test_an_item_type_alone_names_no_account():
    """'A collection that isn't mine' cannot be checked: which one? A creditor, a number, a date or
    an amount points at it; a public record is one of a kind."""
    bare = dict(creditor=None, account_number=None, status=None, balance=None, dofd=None)
    assert decide(item(**bare, claim=C.NOT_MINE)).rule == "I_NO_ITEM"
    assert decide(item(**bare, account_type=A.INQUIRY, claim=C.UNAUTHORIZED_INQUIRY)).rule == "I_NO_ITEM"
    assert decide(item(**{**bare, "balance": 612.0}, claim=C.NOT_MINE)).rule == "E_NOT_MINE"
    assert decide(item(**{**bare, "creditor": "LVNV Funding"}, claim=C.NOT_MINE)).rule == "E_NOT_MINE"
    assert decide(item(**bare, account_type=A.TAX_LIEN)).rule == "E_TAX_LIEN"
