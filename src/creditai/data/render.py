"""Surface renderers: one `ItemFacts` -> text in many families and registers.

Every family can express every fact the policy reads (item, dates, amounts, status,
claim, proof, admission), so every family renders all four labels; shared frames,
openers, citations, anger and distractors are drawn independently of the label, so
the label is learnable only from the facts.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date

from creditai.data.policy import AccountType, Claim, Evidence, ItemFacts, Status

A, C, S, E = AccountType, Claim, Status, Evidence

FAMILIES: tuple[str, ...] = (
    "tradeline_pipe",
    "tradeline_kv",
    "tradeline_csv",
    "report_block",
    "report_line",
    "consumer_short",
    "consumer_chat",
    "consumer_letter",
    "agent_note",
    "long_story",
)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def pick(rng: random.Random, options):
    return options[rng.randrange(len(options))]


# ---------------------------------------------------------------- values


def fmt_date(d: date, rng: random.Random, *, short: bool = False) -> str:
    """A date in one of many real-world spellings (always readable to the month or year)."""
    styles = ["%m/%Y", "%Y-%m-%d", "%B %Y", "%b %Y", "%m/%d/%Y", "%m-%Y", "%b. %Y", "%Y-%m", "%m/%y"]
    if not short:
        styles += ["year", "month_of"]
    style = pick(rng, styles)
    if style == "year":
        return str(d.year)
    if style == "month_of":
        return f"{MONTHS[d.month - 1]} of {d.year}"
    return d.strftime(style)


def fmt_amount(x: float, rng: random.Random) -> str:
    """An amount as written on reports and in complaints ($1,234 / {$1,234.00} / 1234 dollars)."""
    whole = int(round(x))
    style = rng.randrange(8)
    if style == 0:
        return f"{{${x:,.2f}}}"
    if style == 1:
        return f"${whole:,}"
    if style == 2:
        return f"${x:,.2f}"
    if style == 3:
        return f"{whole:,} dollars"
    if style == 4:
        return f"${whole}"
    if style == 5:
        return f"{whole}$" if rng.random() < 0.3 else f"USD {whole:,}"
    if style == 6 and whole >= 1000:
        return f"${whole / 1000:.1f}k".replace(".0k", "k")
    return f"${whole:,}"


def fmt_acct(num: str, rng: random.Random) -> str:
    return pick(rng, (f"XXXX{num}", f"****{num}", f"ending in {num}", f"xxxx-xxxx-{num}", f"#{num}", f"...{num}",
                      f"{num}XXXX"))


TYPE_WORDS: dict[AccountType, tuple[str, ...]] = {
    A.COLLECTION: ("collection", "collection account", "collections account", "debt collection", "collection agency account",
                   "collection item"),
    A.CHARGE_OFF: ("charge off", "charged off account", "charge-off", "charged-off card", "written off account"),
    A.CREDIT_CARD: ("credit card", "card", "credit card account", "revolving account", "store card"),
    A.INSTALLMENT: ("installment loan", "installment account", "financing account", "loan"),
    A.PERSONAL_LOAN: ("personal loan", "loan", "installment loan"),
    A.AUTO: ("car loan", "auto loan", "auto account", "car note", "vehicle loan"),
    A.STUDENT_LOAN: ("student loan", "student loans", "education loan"),
    A.MEDICAL: ("medical collection", "medical bill", "hospital bill", "medical debt", "medical account"),
    A.MORTGAGE: ("mortgage", "home loan", "mortgage account"),
    A.INQUIRY: ("hard inquiry", "inquiry", "hard pull", "credit inquiry", "hard check"),
    A.BANKRUPTCY: ("bankruptcy", "chapter 7 bankruptcy", "bankruptcy filing", "BK", "chapter 13"),
    A.CIVIL_JUDGMENT: ("civil judgment", "judgment", "court judgment", "small claims judgment"),
    A.TAX_LIEN: ("tax lien", "state tax lien", "lien", "federal tax lien"),
}
TYPE_FIELD: dict[AccountType, tuple[str, ...]] = {
    A.COLLECTION: ("Collection", "COLLECTION", "Collection agency", "Factoring company account", "Coll"),
    A.CHARGE_OFF: ("Charge-off", "Revolving - charged off", "CHARGE OFF", "Unsecured"),
    A.CREDIT_CARD: ("Credit Card", "Revolving", "REVOLVING", "Bank card"),
    A.INSTALLMENT: ("Installment", "INSTALLMENT", "Secured installment"),
    A.PERSONAL_LOAN: ("Personal Loan", "Unsecured installment", "Installment"),
    A.AUTO: ("Auto Loan", "AUTO", "Automobile", "Installment - auto"),
    A.STUDENT_LOAN: ("Student Loan", "Educational", "STUDENT LOAN"),
    A.MEDICAL: ("Medical collection", "Medical", "Collection - medical", "MEDICAL DEBT"),
    A.MORTGAGE: ("Mortgage", "Real estate", "Conventional mortgage"),
    A.INQUIRY: ("Hard Inquiry", "Inquiry", "Regular inquiry", "INQ"),
    A.BANKRUPTCY: ("Bankruptcy", "Public record - bankruptcy", "Ch 7 Bankruptcy", "Chapter 13 BK"),
    A.CIVIL_JUDGMENT: ("Civil Judgment", "Public record - judgment", "Judgment"),
    A.TAX_LIEN: ("Tax Lien", "Public record - lien", "State tax lien"),
    A.UNKNOWN: ("Unknown", "--", "N/A", "?"),
}
STATUS_FIELD: dict[Status, tuple[str, ...]] = {
    S.CURRENT: ("Current", "Pays as agreed", "Paid as agreed", "Open/Current", "Never late", "Open - current"),
    S.PAID: ("Paid", "Paid in full", "Closed - $0 balance", "Paid/Closed", "Paid, closed"),
    S.SETTLED: ("Settled", "Settled for less than full balance", "Paid settlement"),
    S.LATE: ("30 days late", "60 days past due", "Late 90", "Delinquent 120+", "30/60/90 lates", "Past due"),
    S.COLLECTION: ("Collection", "In collections", "Placed for collection", "Unpaid collection", "Collection - open"),
    S.CHARGED_OFF: ("Charged off", "Charge-off", "Bad debt / charged off", "CO", "Charged off as bad debt"),
    S.CLOSED: ("Closed", "Closed by consumer", "Account closed", "Transferred/closed"),
    S.DISCHARGED: ("Discharged in bankruptcy", "Included in Ch. 7", "Discharged", "Included in bankruptcy"),
    S.UNKNOWN: ("Unknown", "UNKNOWN", "Status unknown", "Unknown", "unknown"),
}
STATUS_WORDS: dict[Status, tuple[str, ...]] = {
    S.CURRENT: ("current", "paid as agreed", "open and current", "in good standing"),
    S.PAID: ("paid", "paid in full", "closed with a zero balance", "paid off"),
    S.SETTLED: ("settled", "settled for less", "paid as a settlement"),
    S.LATE: ("late", "30 days late", "past due", "delinquent", "60 days late"),
    S.COLLECTION: ("in collections", "an unpaid collection", "placed for collection", "open collection"),
    S.CHARGED_OFF: ("charged off", "a charge off", "written off"),
    S.CLOSED: ("closed", "closed/transferred", "closed out"),
    S.DISCHARGED: ("discharged in bankruptcy", "included in my bankruptcy", "discharged"),
    S.UNKNOWN: ("Unknown", "unknown", "\"Unknown\"", "UNKNOWN"),
}
BUREAU_SHORT = {"Equifax": ("Equifax", "EQ", "EFX", "equifax"), "Experian": ("Experian", "EX", "EXP", "experian"),
                "TransUnion": ("TransUnion", "TU", "Trans Union", "transunion")}


# ---------------------------------------------------------------- claim phrasing (first person)

_CLAIM_1P: dict[Claim, tuple[str, ...]] = {
    C.NOT_MINE: ("this is my father's account, not mine, we have the same name", "this belongs to someone with a similar name",
                    "this account is not mine", "I never opened this account", "I have never done business with {cred}",
                 "this does not belong to me", "I don't know who {cred} is and never had an account with them",
                 "that's not my account, never was", "I never had any account with {cred}",
                 "this is someone else's debt", "none of this is mine, I never signed up for it",
                 "I have no relationship with this company"),
    C.IDENTITY_THEFT: ("this account was opened by an identity thief", "someone stole my identity and opened this",
                       "I am a victim of identity theft and this is fraud", "this was opened fraudulently in my name",
                       "somebody used my SSN to open this", "my identity was stolen and this account came from that",
                       "this is a fraudulent account, my info was stolen in a data breach and used"),
    C.UNSURE_MINE: ("it might be my dad's account, we have the same name", "could be a mixed file with someone else",
                    "I think this may belong to my ex but I can't be sure", "I don't remember ever having this, maybe it's an old store card?",
                    "not sure if this is from my old phone plan or something else",
                    "I don't recognize this and I'm not sure if it's mine", "I'm not sure this account is mine",
                    "I can't tell if this is mine or not", "maybe it's mine, maybe not, I honestly don't remember it",
                    "I don't remember opening this, it might be mine but I'm not sure",
                    "I don't recognize the name, could be an old account of mine I forgot about",
                    "not sure whose this is"),
    C.BALANCE_WRONG: ("my last statement showed a lot less than what they report", "I owe maybe half of what they show",
                      "the amount doesn't match what I was billed", "the balance seems too high to me",
                      "they are reporting more than the original amount",
                    "the balance is wrong", "the balance they report is higher than what I owe",
                      "the amount is not right, it should be lower", "they are reporting the wrong balance",
                      "the balance is inflated", "they added fees so the balance doesn't match what I owe",
                      "the amount owed is incorrect"),
    C.PAID_SHOWN_UNPAID: ("I have a zero balance but it still reports as owing", "I finished paying it and it still says past due",
                          "it was paid off when I refinanced but they show it open with money owed",
                    "I paid this off but it still shows unpaid", "this was paid in full and it's showing a balance",
                          "I settled this and it still says I owe", "it was paid but they report it as unpaid",
                          "I paid the full amount and they still show it open with a balance",
                          "this debt was settled yet it's reported as past due"),
    C.DUPLICATE: ("my loan was transferred to a new servicer and now both the old and new servicer report it",
                  "the original creditor still shows the balance and so does the collection agency",
                    "this debt is on my report twice", "the same debt shows up two times",
                  "{cred} and the original creditor are both reporting the same debt",
                  "it's listed twice, once by the original creditor and once by the collector",
                  "this is a duplicate of another account on my report", "they are double reporting one debt"),
    C.TOO_OLD: ("it's from a long time ago and should not still be reported", "it has been on there forever",
                    "this is way too old to still be on my report", "this should have fallen off already",
                "this is past the 7 year limit", "this is older than 7 years", "it's obsolete and should be gone by now",
                "this is beyond the reporting period"),
    C.UNAUTHORIZED_INQUIRY: ("a dealership ran my credit without asking me", "I only asked for a quote, I never agreed to a hard pull",
                    "I never authorized this inquiry", "I never applied for anything with {cred}",
                             "I did not give permission for this hard pull", "I never applied for credit there",
                             "this inquiry is unauthorized, I didn't apply", "I didn't apply with {cred}, never heard of them"),
    C.DISCHARGED_SHOWS_BALANCE: ("it was discharged in my bankruptcy but still shows a balance",
                                 "this debt was included in my chapter 7 and they still report I owe",
                                 "it's discharged but the balance is still there instead of zero",
                                 "they show a balance owed even though it was discharged",
                                 "I got my discharge and this still shows money due"),
    C.REAGED: ("the collector reported a newer date of first delinquency than the real one",
                    "the date of first delinquency was changed to a later date", "they re-aged the account",
               "the collector changed the delinquency date to make it look newer",
               "the DOFD is wrong, they reset it when the debt was sold", "they updated the date so it stays on longer"),
    C.LATE_WRONG: ("I was in forbearance those months so the lates are wrong", "my loan was in deferment and they still marked me late",
                   "autopay went through every month, the 60 day late is a mistake",
                   "the servicer transferred my loan and the payment got lost, that late shouldn't count against me",
                   "they reported a 30 day late for a month I was on an approved hardship plan",
                    "the late payment is wrong, I paid on time", "I was never late on this",
                   "they reported me 30 days late but I paid on time", "the late marks are incorrect",
                   "the payment history shows lates that didn't happen", "I never missed a payment"),
    C.STATUS_WRONG: ("I completed loan rehabilitation so the default shouldn't show anymore",
                     "after my loan modification it should be current, not delinquent", "I closed it years ago but it shows open",
                    "the status is wrong", "it says charged off but it was never charged off",
                     "they report it as delinquent but it's current", "the account status is incorrect",
                     "it shows open and past due but it was closed"),
    C.STATUS_UNKNOWN: ("the status just says Unknown", "the payment history shows Unknown for months",
                       "the status is listed as unknown and I don't know what that means",
                       "it shows \"Unknown\" for the payment status", "several months are marked unknown"),
    C.CANNOT_RECONCILE: ("the debt buyer's number is way more than the original bill", "they added interest and I can't tell what the real amount is",
                    "I can't figure out where this amount comes from", "the debt was sold and I can't match the amount",
                         "I don't understand how they got this number", "the collector bought the debt and the amount doesn't add up",
                         "I can't reconcile their amount with anything I have", "I have no idea how they calculated this"),
    C.WANTS_REMOVAL_ACCURATE: ("it's hurting my score and I want it deleted", "I need a clean report for my mortgage",
                    "I just want this off my report", "I want it removed", "how do I get this deleted",
                               "I need this gone so my score goes up", "can you get rid of it",
                               "I want this negative item removed", "I just want it gone"),
    C.GOODWILL: ("I'd like them to remove it as a goodwill gesture", "can I ask for a goodwill deletion",
                 "I'm asking for a courtesy removal", "I want to send a goodwill letter to have it taken off",
                 "hoping they forgive it and remove it as a one time courtesy"),
    C.VAGUE: ("I need my credit fixed", "please remove the negative stuff", "can you clean up my report", "my score is low because of errors",
                    "something on my report is wrong", "there are errors on my credit report", "my report is messed up",
              "there is inaccurate information on my report", "my credit is wrong", "some things on there aren't right",
              "I have negative items that are incorrect", "the information is not accurate", "I want to dispute my report"),
    C.NONE: ("can I dispute this?", "what can I do about it?", "is this something I can dispute?", "what are my options?",
             "does this qualify for a dispute?", "should I dispute it?", "can this be removed?", "what should I do?"),
}

_ACC = (C.BALANCE_WRONG, C.PAID_SHOWN_UNPAID, C.LATE_WRONG, C.STATUS_WRONG, C.REAGED)
_ADMIT_1P = ("I know it's mine", "I'm not saying it isn't mine", "yes I was late, that part is true",
             "I did owe it, I won't lie", "to be honest the information is correct", "I admit I fell behind",
             "I know the info is accurate", "it's my debt, I'm not denying that", "I did miss those payments",
             "everything they report is technically correct")
_NO_PROOF_1P = ("but I don't have any statements to prove it", "I don't have the paperwork anymore",
                "I can't find the receipt", "I think, but I'm not 100% sure", "I don't have proof",
                "but I threw out the old statements", "at least I think so, I don't have records",
                "I believe so but I have nothing in writing", "but I have no documents")
_PROOF_1P: dict[Evidence, tuple[str, ...]] = {
    E.STATEMENTS: ("I have the statements that show it", "my monthly statements prove it", "I have every statement"),
    E.RECEIPT: ("I have the receipt", "I kept the payment receipt", "I have the confirmation receipt"),
    E.PAID_LETTER: ("I have the paid in full letter", "they sent me a letter saying paid in full", "I have a zero balance letter"),
    E.SETTLEMENT_LETTER: ("I have the settlement letter", "I have the settlement agreement in writing",
                          "the settlement letter says it's satisfied"),
    E.BANK_RECORDS: ("my bank statements show the payments", "I have bank records of every payment",
                     "I have the cleared checks"),
    E.CREDITOR_LETTER: ("the creditor sent me a letter confirming it", "I have an email from them admitting the error",
                        "they wrote me confirming the mistake"),
    E.OWN_RECORDS: ("I have autopay records showing every payment on time", "I have confirmation numbers for each payment",
                    "my payment history printout shows it"),
    E.IDENTITY_THEFT_REPORT: ("I filed an identity theft report with the FTC", "I have a police report",
                              "I filed a report at IdentityTheft.gov"),
    E.DISCHARGE_ORDER: ("I have the discharge order", "I have my discharge papers", "the discharge paperwork lists it"),
}

_ANGRY = ("This is ridiculous.", "I am so tired of this.", "This has been going on for months!!",
          "Nobody will help me.", "I'm beyond frustrated.", "This is unacceptable.", "Please help.",
          "They keep ignoring me.", "I've called 5 times already.", "This is ruining my life.")
_LIFE = ("I'm trying to buy a house this year.", "We are trying to refinance.", "I got denied for an apartment.",
         "I lost my job in 2020 and things got hard.", "My daughter just started college.", "I'm a single mom of three.",
         "I was in the hospital for a while last year.", "My score dropped like 80 points.",
         "I work two jobs right now.", "I just moved to a new state.", "My wife and I are trying to get a car loan.",
         "I'm a veteran and I've never had problems before.", "I pulled my reports from annualcreditreport.com.",
         "I've been working on my credit for two years.")
_CITES = ("Under the FCRA, 15 U.S.C. 1681i, you must investigate.", "Per Section 611 of the FCRA I am disputing this.",
          "I am exercising my rights under 15 USC 1681.", "Please verify this under FCRA 611(a).",
          "Under 15 U.S.C. 1681s-2 the furnisher must report accurately.", "I request the method of verification per 1681i(a)(7).",
          "This is a formal dispute under the Fair Credit Reporting Act.", "Metro 2 requires accurate reporting.")
_OTHER_OK = ("My {c} card is fine and paid as agreed.", "My {c} account has no lates and that one is correct.",
             "I also have a {c} loan that I pay on time every month.", "The {c} account on there is accurate.",
             "I paid off my {c} card last year, that one's fine.")
_OTHER_CRED = ("Discover", "Chase", "Navient", "Capital One", "Toyota Financial", "Wells Fargo", "Amex", "USAA")
_ASK = ("Can I dispute this?", "What should I do?", "Is this disputable?", "What are my options here?",
        "Please advise.", "Can you help?", "Do I have grounds?", "How should I handle this?", "")
_OPEN = ("Hi,", "Hello.", "Hey", "To whom it may concern,", "Good morning.", "", "", "Question:", "Help!",
         "I need help with my credit report.")


def _a(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def bureau_text(facts: ItemFacts, rng: random.Random) -> str:
    if facts.bureau is None:
        return ""
    return pick(rng, BUREAU_SHORT.get(facts.bureau, (facts.bureau,)))


def item_ref(facts: ItemFacts, rng: random.Random, *, mask: bool = True) -> str:
    """How a consumer names the item: 'a collection from Midland', 'my XXXX card', 'this account'."""
    t = facts.account_type
    typ = pick(rng, TYPE_WORDS[t]) if t is not A.UNKNOWN else pick(rng, ("account", "item", "thing", "entry"))
    cred = facts.creditor
    if cred and mask and rng.random() < 0.15:
        cred = "XXXX"
    if cred is None:
        if t is A.UNKNOWN:
            return pick(rng, ("an account", "some stuff", "something", "a negative item", "an item", "a few things"))
        return pick(rng, (f"{_a(typ)} {typ}", f"this {typ}", f"the {typ}", f"one {typ}"))
    forms = [f"{_a(typ)} {typ} from {cred}", f"the {cred} {typ}", f"my {cred} {typ}", f"{cred}", f"{_a(cred)} {cred} {typ}",
             f"the {typ} with {cred}", f"{cred} ({typ})"]
    if t is A.INQUIRY:
        forms = [f"a {typ} from {cred}", f"the {cred} {typ}", f"an inquiry by {cred}", f"{cred} pulled my credit"]
    return pick(rng, forms)


def detail_sentences(facts: ItemFacts, rng: random.Random) -> list[str]:
    """One short clause per stated field (balance, status, dates, number, bureau), order shuffled."""
    out: list[str] = []
    f = facts
    if f.balance is not None:
        amt = fmt_amount(f.balance, rng)
        out.append(pick(rng, (f"it says I owe {amt}", f"balance of {amt}", f"they show {amt}", f"the balance is {amt}",
                              f"{amt} balance", f"reporting {amt}")))
    if f.status is not None:
        sw = pick(rng, STATUS_WORDS[f.status])
        out.append(pick(rng, (f"it shows {sw}", f"status is {sw}", f"listed as {sw}", f"reported as {sw}")))
    if f.dofd is not None:
        d = fmt_date(f.dofd, rng)
        neutral = (f"first went delinquent {d}", f"DOFD {d}", f"date of first delinquency {d}", f"it went late {d}",
                   f"delinquent since {d}", f"defaulted {d}", f"first delinquency shows {d}", f"went into default {d}")
        owned = (f"I fell behind in {d}", f"I stopped paying around {d}", f"I got behind on it {d}")
        mine = f.admits_accurate or f.claim in (C.NONE, C.WANTS_REMOVAL_ACCURATE, C.GOODWILL, C.TOO_OLD)
        out.append(pick(rng, neutral + owned if mine else neutral))
    if f.original_dofd is not None:
        d = fmt_date(f.original_dofd, rng)
        out.append(pick(rng, (f"the real first delinquency was {d}", f"I actually fell behind back in {d}",
                              f"originally went delinquent {d}")))
    if f.event_date is not None:
        d = fmt_date(f.event_date, rng)
        if f.account_type is A.INQUIRY:
            out.append(pick(rng, (f"dated {d}", f"inquiry date {d}", f"from {d}", f"pulled on {d}")))
        else:
            out.append(pick(rng, (f"filed {d}", f"filed in {d}", f"date filed {d}", f"from {d}")))
    if f.date_opened is not None:
        d = fmt_date(f.date_opened, rng)
        forms = (f"opened {d}", f"open date {d}", f"account opened {d}", f"date opened {d}")
        if f.claim not in (C.NOT_MINE, C.IDENTITY_THEFT, C.UNSURE_MINE, C.UNAUTHORIZED_INQUIRY):
            forms += (f"I opened it in {d}",)
        out.append(pick(rng, forms))
    if f.account_number:
        out.append(pick(rng, (f"acct {fmt_acct(f.account_number, rng)}", f"account number {fmt_acct(f.account_number, rng)}",
                              f"account {fmt_acct(f.account_number, rng)}")))
    if f.bureau:
        out.append(pick(rng, (f"on my {bureau_text(f, rng)} report", f"reported to {bureau_text(f, rng)}",
                              f"showing on {bureau_text(f, rng)}")))
    rng.shuffle(out)
    return out


def claim_text(facts: ItemFacts, rng: random.Random) -> str:
    """The consumer's own statement of the problem, with proof / no-proof and admission cues."""
    f = facts
    cred = f.creditor or "them"
    parts = [pick(rng, _CLAIM_1P[f.claim]).replace("{cred}", cred)]
    if f.account_type is A.INQUIRY and f.claim in (C.NONE, C.WANTS_REMOVAL_ACCURATE, C.TOO_OLD) and f.authorized:
        parts.insert(0, pick(rng, ("I did apply for it", "I applied for financing there", "yes I applied",
                                   "I authorized that pull when I shopped for a car", "that was me applying")))
    if f.claim is C.DUPLICATE and f.duplicate_has_balance is not None:
        if f.duplicate_has_balance:
            parts.append(pick(rng, ("and both show the full balance", "both lines carry the balance",
                                    "each one shows I owe the money")))
        else:
            parts.append(pick(rng, ("the original one shows $0 balance and transferred", "the old one says $0, sold",
                                    "the original creditor line is at zero and says transferred")))
    if f.claim in _ACC + (C.NOT_MINE, C.IDENTITY_THEFT, C.DISCHARGED_SHOWS_BALANCE, C.UNAUTHORIZED_INQUIRY):
        if f.has_evidence:
            parts.append(pick(rng, _PROOF_1P[f.evidence]))
        elif f.claim in _ACC:
            parts.append(pick(rng, _NO_PROOF_1P))
    if f.admits_accurate:
        parts.insert(rng.randrange(len(parts) + 1), pick(rng, _ADMIT_1P))
    return join_clauses(parts, rng)


def join_clauses(parts: list[str], rng: random.Random) -> str:
    seps = (". ", ", ", " and ", ". ", " - ", "; ")
    out = parts[0]
    for p in parts[1:]:
        sep = pick(rng, seps)
        out += sep + (p[0].upper() + p[1:] if sep.startswith(".") else p)
    return out


def sentence(s: str) -> str:
    s = s.strip()
    if not s:
        return s
    s = s[0].upper() + s[1:]
    return s if s[-1] in ".!?" else s + "."


# ---------------------------------------------------------------- noise


def noisy(text: str, rng: random.Random, level: float) -> str:
    """Typos, lowercasing, dropped apostrophes and texting spellings, at a given level (0..1)."""
    if level <= 0:
        return text
    if rng.random() < level:
        text = text.lower()
    if rng.random() < level:
        text = text.replace("'", "")
    if rng.random() < level * 0.6:
        for a, b in ((" you ", " u "), (" because ", " bc "), (" your ", " ur "), (" please", " pls"),
                     (" don't ", " dont "), (" I am ", " im "), (" and ", " & ")):
            text = text.replace(a, b)

    def typo(m: re.Match) -> str:
        w = m.group(0)
        if rng.random() > level * 0.08 or len(w) < 5:
            return w
        i = rng.randrange(1, len(w) - 2)
        kind = rng.randrange(3)
        if kind == 0:
            return w[:i] + w[i + 1] + w[i] + w[i + 2:]
        if kind == 1:
            return w[:i] + w[i + 1:]
        return w[:i] + w[i] + w[i:]

    return re.sub(r"[A-Za-z]{5,}", typo, text)


def distractors(rng: random.Random, k: int) -> list[str]:
    pool = list(_LIFE) + list(_ANGRY) + [o.replace("{c}", pick(rng, _OTHER_CRED)) for o in _OTHER_OK] + list(_CITES)
    return rng.sample(pool, k)


# ---------------------------------------------------------------- tradeline families


def _claim_note(facts: ItemFacts, rng: random.Random) -> str | None:
    """The consumer-statement field of a tradeline row (absent when no claim and no admission)."""
    if facts.claim is C.NONE and not facts.admits_accurate and not (facts.account_type is A.INQUIRY and facts.authorized):
        return None
    text = claim_text(facts, rng)
    if rng.random() < 0.4:
        text = agent_claim(facts, rng)
    return text


def tradeline_fields(facts: ItemFacts, rng: random.Random) -> list[tuple[str, str]]:
    """(label, value) pairs for a report row, in random order, Unknown/blank where not stated."""
    f = facts
    fields: list[tuple[str, str]] = []
    if f.creditor or rng.random() < 0.5:
        fields.append((pick(rng, ("Creditor", "Creditor Name", "Company", "Furnisher", "Account Name", "Subscriber")),
                       f.creditor or pick(rng, ("Unknown", "N/A", "--", "(not listed)"))))
    if f.account_type is not A.UNKNOWN or rng.random() < 0.4:
        fields.append((pick(rng, ("Type", "Account Type", "Acct Type", "Category")), pick(rng, TYPE_FIELD[f.account_type])))
    if f.account_number or rng.random() < 0.4:
        fields.append((pick(rng, ("Account #", "Acct No", "Account Number", "Acct#")),
                       fmt_acct(f.account_number, rng) if f.account_number else pick(rng, ("Unknown", "N/A", "--", "XXXX"))))
    if f.balance is not None:
        fields.append((pick(rng, ("Balance", "Bal", "Amount", "Current Balance", "Balance Owed", "Amt")),
                       fmt_amount(f.balance, rng)))
    if f.status is not None or rng.random() < 0.3:
        fields.append((pick(rng, ("Status", "Account Status", "Pay Status", "Condition", "Payment Status")),
                       pick(rng, STATUS_FIELD[f.status]) if f.status else pick(rng, ("--", "N/A", ""))))
    if f.date_opened:
        fields.append((pick(rng, ("Opened", "Date Opened", "Open Date")), fmt_date(f.date_opened, rng, short=True)))
    if f.dofd:
        fields.append((pick(rng, ("DOFD", "Date of First Delinquency", "First Delinquency", "Delinquent Since",
                                  "Date of 1st Delinq")), fmt_date(f.dofd, rng, short=True)))
    if f.original_dofd:
        fields.append((pick(rng, ("Original DOFD (per consumer)", "Orig. delinquency", "Original creditor DOFD")),
                       fmt_date(f.original_dofd, rng, short=True)))
    if f.event_date:
        key = ("Inquiry Date", "Date of Inquiry", "Inquired") if f.account_type is A.INQUIRY else ("Filed", "Date Filed",
                                                                                                     "Filing Date")
        fields.append((pick(rng, key), fmt_date(f.event_date, rng, short=True)))
    if f.date_reported:
        fields.append((pick(rng, ("Reported", "Date Reported", "Last Reported", "Updated")),
                       fmt_date(f.date_reported, rng, short=True)))
    if f.bureau:
        fields.append((pick(rng, ("Bureau", "Source", "Reported By", "CRA")), bureau_text(f, rng)))
    if not fields:
        fields.append((pick(rng, ("Creditor", "Account", "Item")), pick(rng, ("Unknown", "N/A", "--"))))
    rng.shuffle(fields)
    note = _claim_note(f, rng)
    if note is not None:
        fields.append((pick(rng, ("Consumer note", "Dispute reason", "Remarks", "Client says", "Note", "Comment",
                                  "Consumer statement")), note))
    return fields


def r_tradeline_pipe(facts: ItemFacts, rng: random.Random) -> str:
    sep = pick(rng, (" | ", " | ", " / ", " ; "))
    return sep.join(f"{k}: {v}" for k, v in tradeline_fields(facts, rng))


def r_tradeline_kv(facts: ItemFacts, rng: random.Random) -> str:
    sep = pick(rng, (" ", ", ", " ; "))

    def key(k: str) -> str:
        return re.sub(r"[^a-z0-9]+", "_", k.lower()).strip("_")

    rows = []
    for k, v in tradeline_fields(facts, rng):
        v = f'"{v}"' if " " in v and rng.random() < 0.6 else v.replace(" ", "_") if rng.random() < 0.2 else v
        rows.append(f"{key(k)}={v}")
    return sep.join(rows)


def r_tradeline_csv(facts: ItemFacts, rng: random.Random) -> str:
    fields = tradeline_fields(facts, rng)
    head = ",".join(k for k, _ in fields)
    vals = ",".join(f'"{v}"' if "," in v or rng.random() < 0.2 else v for _, v in fields)
    return head + "\n" + vals if rng.random() < 0.7 else vals


def r_report_block(facts: ItemFacts, rng: random.Random) -> str:
    fields = tradeline_fields(facts, rng)
    width = max(len(k) for k, _ in fields) + 2
    lines = [(f"{k}:".ljust(width) + v) if rng.random() < 0.6 else f"{k.upper()}  {v}" for k, v in fields]
    header = pick(rng, ("", "ACCOUNT INFORMATION", "--- Potentially negative ---", "Tradeline", "Public Records",
                        "Collections", "Accounts in good standing", "Inquiries"))
    return "\n".join(([header] if header else []) + lines)


def r_report_line(facts: ItemFacts, rng: random.Random) -> str:
    f = facts
    cols = []
    cols.append((f.creditor or pick(rng, ("UNKNOWN CREDITOR", "----", "N/A"))).upper())
    if f.account_number:
        cols.append(fmt_acct(f.account_number, rng))
    if f.account_type is not A.UNKNOWN:
        cols.append(pick(rng, TYPE_FIELD[f.account_type]).upper())
    if f.date_opened:
        cols.append(f"OPENED {fmt_date(f.date_opened, rng, short=True)}")
    if f.event_date:
        cols.append(f"{'INQ' if f.account_type is A.INQUIRY else 'FILED'} {fmt_date(f.event_date, rng, short=True)}")
    if f.balance is not None:
        cols.append(f"BAL {fmt_amount(f.balance, rng)}")
    if f.status is not None:
        cols.append(pick(rng, STATUS_FIELD[f.status]).upper())
    if f.dofd:
        cols.append(f"{pick(rng, ('DOFD', 'DLA', 'FIRST DELINQ'))} {fmt_date(f.dofd, rng, short=True)}")
    if f.original_dofd:
        cols.append(f"ORIG DOFD {fmt_date(f.original_dofd, rng, short=True)}")
    if f.bureau:
        cols.append(bureau_text(f, rng).upper())
    head, rest = cols[:1], cols[1:]
    rng.shuffle(rest)
    line = pick(rng, ("  ", "   ", " \t", " - ")).join(head + rest)
    note = _claim_note(f, rng)
    if note:
        line = pick(rng, (f"{line}\n{note}", f"{note}: {line}", f"{line} -- {note}", f"copied from my report: {line}. {note}"))
    return line


# ---------------------------------------------------------------- agent notes

_AGENT_CLAIM: dict[Claim, tuple[str, ...]] = {
    C.NOT_MINE: ("cx states acct not theirs", "cx says never opened", "not cx's acct per cx", "cx denies ownership",
                 "cx: never had acct w/ {cred}"),
    C.IDENTITY_THEFT: ("cx reports ID theft", "fraud acct - ID theft per cx", "cx victim of identity theft, acct opened fraudulently",
                       "IDT claim"),
    C.UNSURE_MINE: ("cx unsure if acct is theirs", "cx doesn't recognize, not sure", "ownership unclear per cx",
                    "cx may or may not have opened"),
    C.BALANCE_WRONG: ("cx disputes bal amount", "bal too high per cx", "cx says bal incorrect", "wrong bal reported"),
    C.PAID_SHOWN_UNPAID: ("cx says PIF but shows unpaid", "paid/settled but reporting bal", "cx paid, TL still shows owing"),
    C.DUPLICATE: ("dup TL - same debt reported twice", "OC and CA both reporting", "double reporting per cx"),
    C.TOO_OLD: ("cx says too old / past 7 yrs", "cx believes obsolete", "cx: should have aged off"),
    C.UNAUTHORIZED_INQUIRY: ("cx did not authorize inq", "unauth inq per cx", "cx never applied w/ {cred}"),
    C.DISCHARGED_SHOWS_BALANCE: ("included in BK, still shows bal", "disch in ch7 but bal > 0", "BK disch, TL not updated to $0"),
    C.REAGED: ("DOFD re-aged per cx", "CA changed DOFD after sale", "reaging suspected, DOFD moved later"),
    C.LATE_WRONG: ("cx disputes 30-day late", "lates incorrect per cx", "cx says never late"),
    C.STATUS_WRONG: ("cx disputes status", "status incorrect per cx", "TL status wrong per cx"),
    C.STATUS_UNKNOWN: ("status shows Unknown", "pmt hist Unknown", "TL status UNKNOWN"),
    C.CANNOT_RECONCILE: ("cx can't reconcile amt w/ CA", "debt buyer amt doesn't match", "cx wants validation of amt"),
    C.WANTS_REMOVAL_ACCURATE: ("cx wants it deleted", "cx wants removal", "cx just wants it off"),
    C.GOODWILL: ("cx wants goodwill removal", "goodwill req", "cx asking courtesy deletion"),
    C.VAGUE: ("cx says report has errors", "cx: something wrong on report", "general dispute, no specifics",
              "cx unhappy w/ report"),
    C.NONE: ("cx asking about options", "review requested", "cx asks if disputable", "pls review"),
}


def agent_claim(facts: ItemFacts, rng: random.Random) -> str:
    f = facts
    parts = [pick(rng, _AGENT_CLAIM[f.claim]).replace("{cred}", f.creditor or "furnisher")]
    if f.account_type is A.INQUIRY and f.authorized and f.claim is not C.UNAUTHORIZED_INQUIRY:
        parts.append(pick(rng, ("cx did apply", "inq authorized by cx", "cx confirms applied")))
    if f.claim is C.DUPLICATE and f.duplicate_has_balance is not None:
        parts.append(pick(rng, ("both w/ bal", "both TLs carry bal")) if f.duplicate_has_balance
                     else pick(rng, ("OC shows $0/transferred", "OC TL at $0")))
    if f.claim in _ACC + (C.NOT_MINE, C.IDENTITY_THEFT, C.DISCHARGED_SHOWS_BALANCE, C.UNAUTHORIZED_INQUIRY):
        if f.has_evidence:
            parts.append(pick(rng, ("has docs", "docs on file", f"has {f.evidence.value.replace('_', ' ')}",
                                    "proof provided", "cx sent proof")))
        elif f.claim in _ACC:
            parts.append(pick(rng, ("no docs", "no proof", "cx has no stmts", "unverified, no records")))
    if f.admits_accurate:
        parts.append(pick(rng, ("cx admits info accurate", "cx confirms acct & lates are correct", "cx acknowledges debt is valid",
                                "cx agrees reporting accurate")))
    return ", ".join(parts)


def r_agent_note(facts: ItemFacts, rng: random.Random) -> str:
    f = facts
    bits = []
    t = f.account_type
    abbrev = {A.COLLECTION: "CA", A.CHARGE_OFF: "CO", A.INQUIRY: "INQ", A.BANKRUPTCY: "BK", A.MEDICAL: "med coll",
              A.CREDIT_CARD: "CC", A.AUTO: "auto", A.STUDENT_LOAN: "SL", A.MORTGAGE: "mtg"}
    if f.identifiable:
        name = " ".join(x for x in (f.creditor, abbrev.get(t) or (pick(rng, TYPE_WORDS[t]) if t is not A.UNKNOWN else ""))
                        if x)
        bits.append(pick(rng, (f"TL {name}", f"{name} acct", name, f"re: {name}")))
    else:
        bits.append(pick(rng, ("cx called", "cx email", "intake", "cx chat")))
    if f.account_number:
        bits.append(f"acct {fmt_acct(f.account_number, rng)}")
    if f.balance is not None:
        bits.append(f"bal {fmt_amount(f.balance, rng)}")
    if f.status is not None:
        bits.append(f"st {pick(rng, STATUS_FIELD[f.status])}")
    if f.dofd:
        bits.append(f"DOFD {fmt_date(f.dofd, rng, short=True)}")
    if f.original_dofd:
        bits.append(f"orig DOFD {fmt_date(f.original_dofd, rng, short=True)}")
    if f.event_date:
        bits.append(f"{'inq' if t is A.INQUIRY else 'filed'} {fmt_date(f.event_date, rng, short=True)}")
    if f.date_opened:
        bits.append(f"opened {fmt_date(f.date_opened, rng, short=True)}")
    if f.bureau:
        bits.append(bureau_text(f, rng))
    head, rest = bits[:1], bits[1:]
    rng.shuffle(rest)
    bits = head + rest + [agent_claim(f, rng)]
    if rng.random() < 0.3:
        bits.append(pick(rng, ("cx upset", "2nd call", "f/u next wk", "cx wants score up", "sent 609 letter prev",
                               "cx buying house")))
    text = pick(rng, ("; ", ". ", ", ", " - ")).join(bits)
    return noisy(text, rng, 0.3)


# ---------------------------------------------------------------- consumer families


def _core(facts: ItemFacts, rng: random.Random) -> list[str]:
    """Item mention + details + claim as a list of sentences."""
    ref = item_ref(facts, rng)
    details = detail_sentences(facts, rng)
    claim = claim_text(facts, rng)
    lead = pick(rng, (f"There is {ref} on my report", f"I have {ref} on my credit", f"About {ref}",
                      f"{ref} is showing on my credit", f"So {ref} popped up", f"I see {ref} on my report",
                      f"Regarding {ref}", f"{ref}"))
    if facts.bureau and rng.random() < 0.3:
        lead += f" on {bureau_text(facts, rng)}"
    sents = [lead]
    if details:
        k = rng.randrange(1, len(details) + 1)
        sents.append(join_clauses(details[:k], rng))
        rest = details[k:]
        if rest:
            sents.append(join_clauses(rest, rng))
    sents.append(claim)
    return [sentence(s) for s in sents]


def r_consumer_short(facts: ItemFacts, rng: random.Random) -> str:
    sents = _core(facts, rng)
    if rng.random() < 0.5:
        sents.append(pick(rng, _ASK))
    text = " ".join(s for s in sents if s)
    return noisy(text, rng, 0.2)


def r_consumer_chat(facts: ItemFacts, rng: random.Random) -> str:
    sents = _core(facts, rng)
    if rng.random() < 0.4:
        sents.insert(rng.randrange(len(sents) + 1), pick(rng, _ANGRY + ("lol", "smh", "idk", "ugh", "bruh")))
    if rng.random() < 0.5:
        sents.append(pick(rng, _ASK))
    joiner = pick(rng, (" ", " ", "... ", " - ", "\n"))
    text = joiner.join(s.rstrip(".") if rng.random() < 0.5 else s for s in sents if s)
    return noisy(text, rng, 0.75)


def r_consumer_letter(facts: ItemFacts, rng: random.Random) -> str:
    sents = _core(facts, rng)
    head = pick(rng, ("To whom it may concern,", "Dear Sir or Madam,", "Dear Equifax,", "Dear TransUnion:",
                      "RE: Dispute of inaccurate information", "Attn: Dispute Department", "Dear Experian,"))
    opener = pick(rng, ("I am writing to dispute the following item on my credit report.",
                        "I am writing regarding information in my credit file.",
                        "Please accept this letter as a formal dispute.", "I recently reviewed my credit report.",
                        "This letter concerns an item on my consumer report."))
    cites = rng.sample(_CITES, rng.randrange(0, 3))
    close = pick(rng, ("Please investigate and correct my file.", "I request that you investigate this item.",
                       "Please respond in writing within 30 days.", "Thank you for your attention to this matter.",
                       "I look forward to your response."))
    sign = pick(rng, ("Sincerely,\nXXXX XXXX", "Respectfully, XXXX", "Thank you,\n[name]", "Regards", ""))
    body = " ".join([opener] + sents + cites + [close])
    return noisy(f"{head}\n\n{body}\n\n{sign}".strip(), rng, 0.05)


def r_long_story(facts: ItemFacts, rng: random.Random) -> str:
    """Rambling narrative: context, distractors and other accounts first, the decisive facts last."""
    sents = _core(facts, rng)
    fluff = distractors(rng, rng.randrange(2, 6))
    history = pick(rng, ("Back in XX/XX/XXXX I started checking my credit.", "A few months ago I pulled all three reports.",
                         "I have been disputing things since XXXX.", "Last week I got denied for a credit card.",
                         "I called the bureau on XX/XX/XXXX and they were no help.", "Let me explain my situation."))
    lead, rest = sents[0], sents[1:]
    middle = fluff[: len(fluff) // 2]
    tail = fluff[len(fluff) // 2:]
    ordered = [history] + middle + [lead] + tail[:1] + rest
    if rng.random() < 0.4:
        ordered.append(pick(rng, _ASK))
    paras = rng.random() < 0.4
    text = ("\n\n" if paras else " ").join(ordered) if not paras else " ".join(ordered[:3]) + "\n\n" + " ".join(ordered[3:])
    return noisy(text, rng, 0.25)


RENDERERS: dict[str, Callable[[ItemFacts, random.Random], str]] = {
    "tradeline_pipe": r_tradeline_pipe,
    "tradeline_kv": r_tradeline_kv,
    "tradeline_csv": r_tradeline_csv,
    "report_block": r_report_block,
    "report_line": r_report_line,
    "consumer_short": r_consumer_short,
    "consumer_chat": r_consumer_chat,
    "consumer_letter": r_consumer_letter,
    "agent_note": r_agent_note,
    "long_story": r_long_story,
}
assert tuple(RENDERERS) == FAMILIES


def render(facts: ItemFacts, family: str, rng: random.Random) -> str:
    """Render one item's facts in the given surface family."""
    try:
        fn = RENDERERS[family]
    except KeyError:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}") from None
    return re.sub(r"[ \t]+\n", "\n", fn(facts, rng)).strip()
