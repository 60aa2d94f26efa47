"""Deterministic template composer: label + facts + passages -> structured answer.

Shared by the SFT data generator (so the LLM learns exactly this format) and the live
service when no LLM is loaded. Wording follows the item type and the rule that
decided it; it never promises an outcome and never suggests disputing accurate data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from creditai.data.policy import POLICY_PASSAGES, RULES, TODAY, AccountType, ItemFacts, removal_date

SECTIONS: tuple[str, ...] = ("SUMMARY", "ANALYSIS", "ELIGIBILITY STATUS", "RECOMMENDED ACTION", "NEXT STEPS")
DISCLAIMER = "This is educational information, not legal or financial advice. Results may vary."

STATUS_TEXT = {
    "eligible": "Eligible for dispute",
    "conditionally_eligible": "Conditionally eligible (gather records or verification first)",
    "not_eligible": "Not eligible for a dispute as an inaccuracy",
    "insufficient_information": "Insufficient information to decide",
}

TYPE_TEXT: dict[str, tuple[str, str]] = {
    # account type -> (noun, type-specific analysis note)
    "collection": ("collection account", "Collection accounts are furnished by the collector; you can dispute with the bureau and, "
                   "within 30 days of the collector's notice, ask the collector to validate the debt (FDCPA 809(b))."),
    "charge_off": ("charged-off account", "A charge-off is reported by the original creditor; its 7-year period runs from 180 days "
                   "after the delinquency began (FCRA 605(c)), whoever later owns the debt."),
    "credit_card": ("credit card account", "Card issuers report balance, status and monthly payment history; each field can be "
                    "checked against your statements."),
    "installment": ("installment loan", "Installment lenders report the payment history month by month; compare it with your "
                    "payment records."),
    "personal_loan": ("personal loan", "Personal-loan lenders report payment history monthly; compare it with your payment records."),
    "auto": ("auto loan", "Auto lenders report the payment history and, after a repossession, any deficiency balance; compare "
             "both with your contract and payment records."),
    "student_loan": ("student loan", "Student loan servicers change often; check that only the current servicer reports a "
                     "balance and that deferment or forbearance months are not shown late."),
    "medical": ("medical collection", "Bureau policy treats medical debt specially: paid medical collections are removed, "
                "unpaid ones wait a year before appearing, and those under $500 are not reported."),
    "mortgage": ("mortgage", "Mortgage servicers report monthly; forbearance or loss-mitigation months should match your "
                 "servicer's written agreement."),
    "inquiry": ("hard inquiry", "A hard inquiry needs a permissible purpose, usually your application (FCRA 604(a)(3)); bureaus "
                "keep inquiries for 2 years."),
    "bankruptcy": ("bankruptcy record", "A bankruptcy may be reported for 10 years from the order for relief (FCRA 605(a)(1)); "
                   "debts discharged in it should show a $0 balance."),
    "civil_judgment": ("civil judgment", "The nationwide bureaus stopped including civil judgments in reports in 2017."),
    "tax_lien": ("tax lien", "The nationwide bureaus stopped including tax liens in reports in 2018."),
    "unknown": ("item", "Without the creditor, account number or dates the item cannot be matched to a record."),
}

RULE_ACTION: dict[str, str] = {
    "I_NO_ITEM": "Identify the exact item first: pull your free reports at annualcreditreport.com and note the creditor, "
                 "account number and dates of the entry you believe is wrong.",
    "I_NO_ISSUE": "Say what exactly is wrong with the item (balance, status, dates, ownership) and what your records show.",
    "I_KEY_FIELDS_MISSING": "Request your full file disclosure (FCRA 609) so the missing account number, dates and status can "
                            "be read before any dispute.",
    "E_OBSOLETE": "Dispute the item with each bureau that reports it as past the 7-year reporting period, citing the date of "
                  "first delinquency.",
    "E_OBSOLETE_COLLECTION": "Dispute the item as obsolete, giving the date of first delinquency; the period ends 7 years after "
                             "180 days from that date.",
    "E_OBSOLETE_BANKRUPTCY": "Dispute the bankruptcy record as past its 10-year reporting period, giving the filing date.",
    "E_OBSOLETE_INQUIRY": "Ask the bureau to remove the inquiry as older than the 2 years inquiries are kept.",
    "E_CIVIL_JUDGMENT": "Dispute the judgment with the bureau; civil judgments are no longer included in bureau reports.",
    "E_TAX_LIEN": "Dispute the lien with the bureau; tax liens are no longer included in bureau reports.",
    "E_MEDICAL_PAID": "Dispute the paid medical collection with the bureau, enclosing proof of payment.",
    "E_MEDICAL_UNDER_500": "Dispute the medical collection with the bureau: medical collections under $500 are not reported.",
    "E_MEDICAL_TOO_RECENT": "Dispute the medical collection: unpaid medical debt is not reported until a year after delinquency.",
    "E_DISCHARGED_BALANCE": "Dispute the balance with the bureau and the furnisher, enclosing the discharge order and the "
                            "schedule that lists the debt, and ask that it report $0 and 'discharged in bankruptcy'.",
    "E_IDENTITY_THEFT": "File an identity theft report at IdentityTheft.gov, then ask each bureau to block the item under "
                        "FCRA 605B with the report and proof of identity; consider a fraud alert or freeze.",
    "E_NOT_MINE": "Dispute the item with each reporting bureau as not yours and ask the furnisher for the application or "
                  "contract it relies on.",
    "E_UNAUTHORIZED_INQUIRY": "Dispute the inquiry with the bureau and ask the company what permissible purpose it had; if it "
                              "came from fraud, file an identity theft report.",
    "E_DUPLICATE": "Dispute the duplicate: enclose both entries and ask that the original creditor's line show $0 as "
                   "transferred or sold.",
    "E_REAGED": "Dispute the date of first delinquency, enclosing any record of the original delinquency date.",
    "E_PAID_SHOWN_UNPAID": "Dispute the status and balance, enclosing the paid-in-full or settlement letter or payment proof.",
    "E_INACCURATE_WITH_PROOF": "Dispute the specific field that is wrong with the bureau or the furnisher, enclosing the "
                               "records that contradict it.",
    "C_UNSURE_MINE": "Before disputing, request your file disclosure (FCRA 609) and ask the furnisher for account details so "
                     "you can tell whether the account is yours.",
    "C_NO_PROOF": "Gather your records first (statements, bank records, letters); if they confirm the error, dispute the "
                  "specific field. Disputing without a basis can be judged frivolous.",
    "C_STATUS_UNKNOWN": "Ask the furnisher what the Unknown status means and request that the field be reported completely "
                        "and accurately (FCRA 623(a)(2)).",
    "C_VALIDATE_DEBT": "Send the collector a written debt-validation request (within 30 days of its notice if you can), then "
                       "dispute any amount it cannot verify.",
    "C_AGE_UNVERIFIED": "Find the date of first delinquency on your full report or from the original creditor; if the period "
                        "has run, dispute the item as obsolete.",
    "C_INQUIRY_UNSURE": "Check whether you applied for credit around the inquiry date (store cards, car dealers, phone "
                        "plans); if you did not, dispute it as unauthorized.",
    "N_ADMITTED_ACCURATE": "Accurate information cannot be disputed as inaccurate. You can add a brief consumer statement, "
                           "bring the account current, or negotiate directly with the creditor.",
    "N_ACCURATE_REMOVAL": "Accurate information stays for its reporting period; its impact lessens with time and positive "
                          "history. You may negotiate with the creditor or add a consumer statement.",
    "N_GOODWILL": "A goodwill letter is a courtesy request to the creditor, not a dispute; the creditor may decline.",
    "N_AUTHORIZED_INQUIRY": "An inquiry you authorized is accurate; it stops being reported after 2 years and matters less "
                            "over time.",
    "N_BANKRUPTCY_ACCURATE": "A correctly reported bankruptcy stays for up to 10 years; check that each included debt shows a "
                             "$0 balance, and dispute any that do not.",
    "N_WITHIN_PERIOD": "The dates show the item is still inside its reporting period; recheck the date of first delinquency "
                       "and dispute only if that date is wrong.",
    "N_DUPLICATE_ZERO": "A transferred original account showing $0 next to the collector's line is correct reporting, not a "
                        "duplicate.",
    "N_POSITIVE": "This is accurate positive history, which generally helps your file; there is nothing to dispute.",
    "N_APPEARS_ACCURATE": "Nothing stated suggests an inaccuracy; if you find a specific error (balance, dates, status), "
                          "dispute that field.",
}

LABEL_STEPS: dict[str, tuple[str, ...]] = {
    "eligible": ("Get a current copy of the report that shows the item.",
                 "Send the dispute in writing to each bureau reporting it, with copies (never originals) of your documents.",
                 "Keep proof of mailing; the bureau generally has 30 days to reinvestigate (up to 45 if you add information).",
                 "Review the results letter and your updated report; if the item is verified, you may add a statement or "
                 "dispute with the furnisher directly."),
    "conditionally_eligible": ("Collect the records that would confirm or rule out the error.",
                               "Request your file disclosure or the furnisher's records if you lack them.",
                               "If the records confirm an error, dispute the specific field in writing.",
                               "If they show the item is accurate, do not dispute it as inaccurate."),
    "not_eligible": ("Keep paying current accounts on time; recent positive history matters most.",
                     "Consider a consumer statement or a direct conversation with the creditor.",
                     "Recheck the dates on the item; dispute only a detail you find to be wrong."),
    "insufficient_information": ("Pull your reports from all three bureaus (annualcreditreport.com).",
                                 "Write down the creditor, account number, dates, balance and status of the item.",
                                 "Describe exactly what is wrong and what records you have, then ask again."),
}


@dataclass
class ComposedAnswer:
    """The final text plus its parts (for the guard, the API and tests)."""

    text: str
    sections: dict[str, str]
    citations: list[dict] = field(default_factory=list)


def _facts_dict(facts: ItemFacts | Mapping | None) -> dict:
    if facts is None:
        return {}
    if isinstance(facts, ItemFacts):
        return facts.to_dict()
    return dict(facts)


def _citations(passages: Iterable[Mapping]) -> list[dict]:
    cites = []
    for i, p in enumerate(passages, start=1):
        title = str(p.get("title") or p.get("source") or "passage")
        source = str(p.get("source") or "knowledge base")
        cites.append({"n": i, "title": title, "source": source, "doc_type": p.get("doc_type"), "score": p.get("score"),
                      "text": str(p.get("text", ""))})
    return cites


def render_answer(sections: Mapping[str, str], citations: Sequence[dict]) -> str:
    """The answer layout: the five sections, the numbered sources, then the disclaimer."""
    blocks = [f"{name}:\n{sections[name].strip()}" for name in SECTIONS]
    sources = "\n".join(f"[{c['n']}] {c['title']} ({c['source']})" for c in citations) or "No passages were retrieved."
    blocks.append(f"SOURCES:\n{sources}")
    blocks.append(DISCLAIMER)
    return "\n\n".join(blocks)


def _item_phrase(f: dict) -> str:
    noun = TYPE_TEXT.get(str(f.get("account_type") or "unknown"), TYPE_TEXT["unknown"])[0]
    cred = f.get("creditor")
    where = f" reported to {f['bureau']}" if f.get("bureau") else ""
    return f"the {noun}{' from ' + cred if cred else ''}{where}"


def _cite_hint(citations: Sequence[dict]) -> str:
    return f" [{citations[0]['n']}]" if citations else ""


def compose_answer(label: str, *, rules: Sequence[str] = (), facts: ItemFacts | Mapping | None = None,
                   passages: Sequence[Mapping] = (), question: str | None = None) -> ComposedAnswer:
    """Structured answer for one classified item: five sections, sources, disclaimer."""
    if label not in STATUS_TEXT:
        raise ValueError(f"unknown label {label!r}")
    f = _facts_dict(facts)
    rule_ids = [r for r in rules if r in RULES] or [r.id for r in RULES.values() if r.label == label][:1]
    rule = RULES[rule_ids[0]]
    citations = _citations(passages)
    atype = str(f.get("account_type") or "unknown")
    item = _item_phrase(f)
    claim = str(f.get("claim") or "none").replace("_", " ")
    verdict = {"eligible": "appears eligible for a dispute", "conditionally_eligible": "may be disputable once the facts are confirmed",
               "not_eligible": "does not appear disputable as inaccurate", "insufficient_information":
               "cannot be assessed yet"}[label]
    asked = f" You asked: \"{question.strip()[:160]}\"." if question and question.strip() else ""
    summary = f"Based on what you described, {item} {verdict}.{asked}"
    law = ", ".join(rule.law_refs)
    analysis_lines = [f"{rule.description.rstrip('.')} ({law}){_cite_hint(citations)}."]
    if claim not in ("none",):
        analysis_lines.append(f"Your concern, as understood: {claim}.")
    if f.get("admits_accurate"):
        analysis_lines.append("You said the information itself is accurate; accurate items cannot be disputed as "
                              "inaccurate, though legal limits such as reporting periods still apply.")
    if f.get("dofd"):
        analysis_lines.append(f"The date of first delinquency given is {f['dofd']}.")
    analysis_lines.append(TYPE_TEXT.get(atype, TYPE_TEXT["unknown"])[1])
    status = f"{STATUS_TEXT[label]} (rule {rule.id})."
    action = RULE_ACTION.get(rule.id, "")
    steps = "\n".join(f"{i}. {s}" for i, s in enumerate(LABEL_STEPS[label], start=1))
    sections = {"SUMMARY": summary, "ANALYSIS": " ".join(analysis_lines), "ELIGIBILITY STATUS": status,
                "RECOMMENDED ACTION": action, "NEXT STEPS": steps}
    return ComposedAnswer(render_answer(sections, citations), sections, citations)


def compose_education(question: str, passages: Sequence[Mapping] = ()) -> ComposedAnswer:
    """General-knowledge answer grounded in the retrieved passages (policy facts when none)."""
    chosen = list(passages) or [POLICY_PASSAGES[0]]
    citations = _citations(chosen)
    top = citations[0]
    summary = f"{top['text'].split('. ')[0].rstrip('.')} [1]."
    analysis = " ".join(f"{c['text'].strip()} [{c['n']}]" for c in citations[:3])
    sections = {
        "SUMMARY": summary,
        "ANALYSIS": analysis,
        "ELIGIBILITY STATUS": "Not applicable: this is a general question, not a specific item on a report.",
        "RECOMMENDED ACTION": "Compare your own report against these rules; if a specific item conflicts with them, "
                              "describe that item (creditor, dates, balance, status) for an item-level review.",
        "NEXT STEPS": "1. Get your free reports at annualcreditreport.com.\n2. Note any item that conflicts with the rules "
                      "above.\n3. Keep copies of every letter and record you send or receive.",
    }
    return ComposedAnswer(render_answer(sections, citations), sections, citations)


@dataclass(frozen=True)
class Refusal:
    """How to decline one request category: the reason in plain words and the law, the lawful
    alternative, the next steps, and the policy passages (by source) that back them."""

    why: str
    alternative: str
    steps: tuple[str, ...]
    sources: tuple[str, ...]


_GOODWILL = ("ask the creditor in writing for a goodwill adjustment, or negotiate a settlement or a pay-for-delete with "
             "the creditor or collector")

REFUSALS: dict[str, Refusal] = {
    # request category (data.policy.PROHIBITED) -> how to decline it
    "dispute_accurate_as_inaccurate": Refusal(
        "Disputing an item you say is accurate as if it were wrong means making an untrue statement to a bureau, and "
        "a credit-repair service may not advise that (CROA 1679b(a)(1)).",
        f"An accurate item can still be handled lawfully: {_GOODWILL}. It must also leave your report when its "
        "reporting period ends under FCRA 605.",
        ("Write a short goodwill letter to the creditor explaining what happened and your record since.",
         "Ask for the date of first delinquency so you know when the item must come off.",
         "If you find a detail that is really wrong (balance, dates, status), dispute that detail with your records."),
        ("CROA 1679b", "FCRA 605")),
    "false_identity_theft_or_report": Refusal(
        "I can't help file or word an identity-theft claim, police report or affidavit for accounts you opened: a "
        "false statement to the FTC is a federal crime (18 U.S.C. 1001), a false police report is one under state "
        "law, and advising untrue statements is prohibited (CROA 1679b(a)(1)).",
        "If someone else really opened an account, the identity-theft steps work fast: report it at "
        "IdentityTheft.gov (the FTC report), place a fraud alert, and send the bureaus the report with proof of "
        f"identity so they block the accounts within 4 business days (FCRA 605B). For your own accounts, {_GOODWILL}.",
        ("If an account is not yours, file the FTC report at IdentityTheft.gov and keep the report number.",
         "Send each bureau the FTC report, proof of identity and the accounts to block (FCRA 605B).",
         "For accounts that are yours, ask the creditor about a goodwill adjustment or a settlement."),
        ("FCRA 605B; 605A", "CROA 1679b")),
    "identity_alteration": Refusal(
        "A CPN, a new SSN or an EIN used in place of your Social Security number, or a second credit file, "
        "misrepresents your identity to lenders; that is fraud, and a credit-repair service may not advise it "
        "(CROA 1679b(a)(2)).",
        "Build your credit under your own SSN: a secured card or credit-builder loan, becoming an authorized user, and "
        "a dispute of any specific inaccuracy. Accurate negatives must leave your report when their period ends (FCRA 605).",
        ("Pull your reports from all three bureaus at annualcreditreport.com.",
         "Open one secured card or credit-builder loan and pay it in full each month.",
         "Dispute only items with a specific, factual error."),
        ("CROA 1679b", "FCRA 605")),
    "false_threat_or_impersonation": Refusal(
        "I can't write a threat of action nobody intends, or pose as a lawyer, police officer or government agency: "
        "false threats and impersonation are unlawful (FDCPA 807 forbids them to collectors; CROA 1679b(a)(3) forbids "
        "misleading statements by credit-repair services).",
        "Real pressure is lawful pressure: a factual dispute with your records, a complaint to the CFPB or your state "
        "attorney general, and a consumer attorney who can say whether you have a claim under FCRA 616 or 617.",
        ("Send a factual dispute that names the error and attaches your proof.",
         "If the bureau or furnisher does not fix a real error, file a complaint at consumerfinance.gov/complaint.",
         "Ask a consumer attorney (many work on contingency) whether the violation supports a claim."),
        ("FCRA 616, 617; CFPB", "CROA 1679b")),
    "outcome_guarantee": Refusal(
        "No one can lawfully promise a deletion, a score increase or a date for either, and a credit-repair service "
        "may not claim it can (CROA 1679b(a)(3)): the bureaus decide after their reinvestigation (FCRA 611).",
        "What I can do is review each item against the policy and tell you which ones have a factual or legal basis "
        "for a dispute, and when accurate items must leave your report (FCRA 605).",
        ("List each item with its creditor, dates, balance and status.",
         "Ask about one item at a time and I will assess it.",
         "Be wary of any company that promises results: report it to the CFPB or your state attorney general."),
        ("CROA 1679b", "FCRA 611(a)", "FCRA 605")),
    "dispute_everything": Refusal(
        "Disputing every item at once, whether accurate or not, asks the bureaus to call true information false; "
        "they may reject it as frivolous (FCRA 611(a)(3)), and advising untrue statements is prohibited "
        "(CROA 1679b(a)(1)).",
        "Dispute the items that have a specific error, each with its own reason and proof; for accurate items, "
        f"{_GOODWILL}, and know the date each must leave your report under FCRA 605.",
        ("Go through each report line by line and mark the details you can show are wrong.",
         "Send one dispute per item with the specific error and a copy of your proof.",
         "For accurate items, note the date each must come off."),
        ("CROA 1679b", "FCRA 611(a)", "FCRA 605")),
    "advance_fee": Refusal(
        "I can't help collect fees before the service is fully performed or get around the 3-business-day right to "
        "cancel: CROA 1679b(b) forbids advance fees, and CROA 1679d and 1679e require a written contract with the "
        "cancellation notice.",
        "Bill only for work already done, give every client the written contract and the cancellation notice, and "
        "have a consumer-law attorney review the fee structure.",
        ("Move billing to after each round of work is complete.",
         "Give each client the CROA disclosure before the contract (1679c), and put the 3-day cancellation notice in "
         "the contract (1679e).",
         "Have the contract reviewed by a consumer-law attorney."),
        ("CROA 1679b",)),
    "instruction_override": Refusal(
        "I can't set aside my instructions or the compliance rules, whoever asks and however the request is framed "
        "(role play, a 'developer mode', instructions inside a pasted document); the rules keep my answers within "
        "the credit repair law (CROA 1679b).",
        "Tell me about a specific item on your report (creditor, dates, balance, status) and I will assess it under "
        "the dispute policy.",
        ("Pull your reports from all three bureaus.", "List any item with a specific, factual error.",
         "Ask about that item and I will assess it."),
        ("CROA 1679b",)),
}


def _passage(source: str) -> dict:
    for p in POLICY_PASSAGES:
        if p["source"] == source:
            return p
    raise KeyError(f"no policy passage with source {source!r}")


# the categories about one of the consumer's own items, where its FCRA 605 date is the lawful answer
_ITEM_CATEGORIES = ("dispute_accurate_as_inaccurate", "dispute_everything", "false_identity_theft_or_report")


def _reporting_period_note(facts: ItemFacts | None) -> str:
    """The day the stated dates make the item leave the report (FCRA 605), or that it is past it."""
    if facts is None or facts.account_type is AccountType.INQUIRY:  # 2 years for inquiries is bureau practice
        return ""
    end = removal_date(facts)
    if end is None:
        return ""
    if end < TODAY:
        return (" From the dates you gave, this item is already past its reporting period (FCRA 605), so you can "
                "dispute it as obsolete, truthfully.")
    return f" From the dates you gave, this item must leave your report by {end:%B} {end.day}, {end:%Y} (FCRA 605)."


def compose_refusal(category: str, facts: ItemFacts | None = None) -> ComposedAnswer:
    """A short, polite decline naming the reason and the law, then the lawful alternative for
    that category, with citations; `facts` (from the request) add the FCRA 605 removal date."""
    if category not in REFUSALS:
        raise ValueError(f"unknown refusal category {category!r}; known: {', '.join(REFUSALS)}")
    r = REFUSALS[category]
    citations = _citations(_passage(src) for src in r.sources)
    refs = " ".join(f"[{c['n']}]" for c in citations)
    summary = ("No. No one can lawfully guarantee a deletion or a score increase, so I can't promise one."
               if category == "outcome_guarantee" else "I'm sorry, but I can't help with that request.")
    alternative = r.alternative + (_reporting_period_note(facts) if category in _ITEM_CATEGORIES else "")
    sections = {
        "SUMMARY": summary,
        "ANALYSIS": f"{r.why} {refs}",
        "ELIGIBILITY STATUS": "Not applicable: the request is outside what a lawful dispute can do.",
        "RECOMMENDED ACTION": alternative,
        "NEXT STEPS": "\n".join(f"{i}. {step}" for i, step in enumerate(r.steps, start=1)),
    }
    return ComposedAnswer(render_answer(sections, citations), sections, citations)
