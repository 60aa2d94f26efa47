"""Rule-based eligibility classifier: cues in free text or report rows -> ItemFacts -> decide.

The low-confidence fallback when no trained model is loaded. It extracts facts with
general cues (dates, amounts, account-type words, claim / proof / admission phrases
with negation) and hands them to the same `policy.decide` the generator uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from creditai.data.policy import TODAY, AccountType, Claim, Evidence, ItemFacts, Status, decide
from creditai.data.sampling import CREDITORS
from creditai.textnorm import squeeze_space

A, C, S, E = AccountType, Claim, Status, Evidence

MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MON = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("ymd", r"\b((?:19|20)\d\d)-(\d{1,2})(?:-(\d{1,2}))?\b"),
    ("mdy", r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b"),
    ("my", r"\b(\d{1,2})[/-]((?:19|20)\d\d)\b"),
    ("xxy", r"\bxx/xx/((?:19|20)\d\d)\b"),
    ("mon", _MON + r"(?:\s+of)?\s+'?((?:19|20)?\d\d)\b"),
    ("mdy2", r"\b(\d{1,2})/(\d{2})\b(?!/)"),
    ("year", r"\b((?:19|20)\d\d)\b"),
)
_AGO = re.compile(r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\+?\s*(?:years?|yrs?)\s*(?:ago|old)\b")
_WORDNUM = {w: i for i, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                                        "eleven", "twelve"))}
_AMOUNT = re.compile(
    r"\{?\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\}?\s*(k\b)?|\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?\s*(?:\$|dollars|usd)"
    r"|\busd\s*(\d{1,3}(?:,\d{3})+|\d+)")

# Cue lists: general phrasings, each a regex over lower-cased text.
TYPE_CUES: tuple[tuple[AccountType, str], ...] = (
    (A.INQUIRY, r"\binquir(y|ies)\b|\bhard (pull|check|inq)|\binq\b|pulled my (credit|report)|credit check|\bpulled\b.{0,20}\bcredit"),
    (A.TAX_LIEN, r"\btax lien|\blien\b"),
    (A.CIVIL_JUDGMENT, r"\bjudge?ment\b|small claims"),
    (A.BANKRUPTCY, r"\bbankrupt|\bchapter (7|13|seven|thirteen)\b|\bch\.? ?(7|13)\b|\bbk\b"),
    (A.MEDICAL, r"\bmedical|\bhospital|\bdoctor|\ber visit|\bemergency room|\bambulance|\bradiolog|\banesthe|\bclinic\b"
                r"|\blab(corp|s)?\b|\bdental|\bdentist|\bsurgery|\bhealth\b|\bphysician|\bquest diag"),
    (A.CHARGE_OFF, r"(?<!dis)charged?[- ]?off|\bwritten off|\bwrite[- ]off|\bco\b(?! ?-?signer)|\bc/o\b"),
    (A.COLLECTION, r"collection|\bcollector|debt buyer|\bca\b|\bcoll\b|factoring|\bagency\b|purchased (the )?debt|bought (the|my) debt"),
    (A.STUDENT_LOAN, r"student loan|\bsl\b|education loan|\bnavient|\bnelnet|\bmohela|sallie mae|\bservicer\b|great lakes|aidvantage"),
    (A.MORTGAGE, r"mortgage|home loan|\bmtg\b|escrow|foreclos"),
    (A.AUTO, r"\bauto\b|\bcar\b|vehicle|\brepo(ssess\w*)?\b|car note|truck"),
    (A.CREDIT_CARD, r"credit card|\bcard\b|revolving|\bvisa\b|mastercard|\bamex\b|\bcc\b|store card|bank card"),
    (A.PERSONAL_LOAN, r"personal loan|installment|\bloan\b"),
)
_CREDITOR_NAMES = sorted({n.lower() for names in CREDITORS.values() for n in names} | {
    "synchrony", "capital one", "chase", "citi", "wells fargo", "bank of america", "amex", "discover", "navient", "midland",
    "portfolio recovery", "lvnv", "cavalry", "jefferson capital", "santander", "ally", "credit one", "comenity", "barclays",
    "td bank", "us bank", "u.s. bank", "pnc", "usaa", "navy federal", "verizon", "t-mobile", "at&t", "sprint", "comcast",
    "xfinity", "spectrum", "dish", "directv", "progressive", "geico", "conn's", "fingerhut", "self lender", "chime", "ocwen",
    "sofi", "onemain", "upstart", "mariner", "lendingclub", "affirm", "klarna", "afterpay", "paypal credit", "kohls", "macys",
    "target", "walmart", "amazon", "apple card", "goldman sachs", "huntington", "regions", "truist", "fifth third",
    "key bank", "citizens bank", "dept of ed", "department of education", "fedloan", "aes", "great lakes", "ecmc",
    "convergent", "erc", "enhanced recovery", "ic system", "i.c. system", "transworld", "credit acceptance", "westlake",
    "exeter", "gm financial", "toyota", "honda financial", "nissan", "ford credit", "carmax", "drivetime", "rent-a-center",
})
# One alternation instead of a search per name (the loop was most of the extractor's time);
# longest names first so "capital one auto" wins over "capital one" at the same position.
_CREDITOR_RE = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(_CREDITOR_NAMES, key=len, reverse=True)) + r")\b")
_CORP = re.compile(r"\b([A-Z][A-Za-z&'.]+(?:\s+[A-Z][A-Za-z&'.]+){0,3})\s+(Bank|Financial|Credit|Capital|Funding|Services|Recovery"
                   r"|Collections?|Management|Mgmt|Medical|Hospital|Health|Mortgage|Auto|Finance|Lending|Systems|Associates"
                   r"|Solutions|Group|Card|Union|Partners|Acceptance|Servicing|Agency)\b")
_XXXX_ITEM = re.compile(r"\bx{4}\b[^.\n]{0,25}\b(account|card|loan|collection|debt|bank|inquiry|charge)|\b(account|collection|"
                        r"card|loan|debt|inquiry|creditor|company|collector)\b[^.\n]{0,15}\bx{4}\b")
_ACCT_NO = re.compile(r"(?:x{2,}|\*{2,}|#|\.{3}|ending in\s*|acct(?:ount)?\s*(?:no\.?|number|#)?:?\s*)[- ]?(\d{4,})|\b(\d{4})x{4}\b")

STATUS_CUES: tuple[tuple[Status, str], ...] = (
    (S.UNKNOWN, r"(status|history|pay(ment)? status|condition|st)[^.\n|;,]{0,25}\bunknown\b|\bunknown\b[^.\n|;]{0,20}(status|payment|history)"),
    (S.DISCHARGED, r"discharg|included in (my )?(ch\.?|chapter|bankruptcy|bk)"),
    (S.CURRENT, r"paid as agreed|pays as agreed|never (been )?late|\bcurrent\b|good standing|no lates|no late payments|"
                r"on time every|never missed"),
    (S.SETTLED, r"\bsettled\b|settlement"),
    (S.PAID, r"(?<!un)\bpaid (in full|off)\b|\bpif\b|paid[/, -]+closed|\$0 balance|zero balance|\bstatus:? paid\b|paid it off"
             r"|\bpaid\b(?! as agreed| on time| late)"),
    (S.CHARGED_OFF, r"(?<!dis)charged?[- ]?off|\bwritten off|bad debt"),
    (S.COLLECTION, r"in collections?|placed for collection|unpaid collection|collection - open|\bstatus:? collection"),
    (S.LATE, r"\b(30|60|90|120)\+?[- ]?(days?|day)?[- ]?(late|past due)|\blate\b|past due|delinquent|missed payment"),
    (S.CLOSED, r"\bclosed\b|transferred|\bsold\b"),
)

_NEG_STRONG_UNSURE = (r"not sure|unsure|not certain|might be mine|could be mine|maybe (it'?s )?mine|don'?t remember|do not remember|"
                      r"can'?t tell|no idea (if|whether)|not positive|may or may not|ownership unclear|don'?t know (if|whether)|"
                      r"wonder(ing)? (if|whether)|could be (someone|my|an?)\b|might be (someone|my|an?)\b|mixed (file|up)|"
                      r"same name|similar name|\bjr\b|\bsr\b|junior|senior")
_NOT_MINE = (r"not mine|isn'?t mine|is not my|not my (account|debt|card|loan)|(does ?n[o']?t|do not) belong to me|never opened|"
             r"never had (an |any )?(account|card|loan|relationship|business)|never (done|did) business|no (business )?relationship|"
             r"someone else'?s|never signed|not (cx'?s|theirs)|denies ownership|never heard of (it|them|this)|don'?t owe (this|them|it)|"
             r"never (applied|authorized|had)|belongs to (someone|another|my (ex|father|mother|son|brother|dad|mom))|"
             r"not (the )?(owner|responsible)|wrong person|mixed (file|up with)")
_ID_THEFT = (r"identity theft|identity was stolen|stole my identity|stolen identity|\bid theft\b|\bidt\b|fraud|opened in my name|"
             r"used my (ssn|social|info|information|identity|name)|data breach|impersonat|\bftc report|identitytheft\.gov")
_UNRECOGNIZED = (r"don'?t recogni[sz]e|do not recogni[sz]e|doesn'?t ring a bell|no clue what (this|that|it)|never heard of|"
                 r"(don'?t|do not|can'?t|cannot) (recall|remember) (ever )?(authori[sz]|applying|opening|signing|getting|giving)|"
                 r"no idea what (this|that|it) is")
_ADMIT = (r"i know (it'?s|it is|this is) (mine|my)|(it'?s|it is|this is) (my|mine)\b(?! (report|credit|file|score))|i (did|do) owe|"
          r"i owed|i was (\w+ )?late|i admit|\badmits?\b|"
          r"(info(rmation)?|reporting|it|everything|they|report|dates?|balance|lates?) (is|are|was|were) (technically |all |100% )?"
          r"(accurate|correct|true|right|valid|legit)|the (dates|balance|info) (are|is) right|"
          r"not (denying|disputing) (that|it|the debt)|i'?m not saying (it|this) (isn'?t|is not) mine|(debt|it) is (valid|legit|mine)|"
          r"that part is true|won'?t lie|cx (confirms|acknowledges|agrees)|acknowledges (the )?debt|"
          r"i (did|do) have (that|this|the) (account|card|loan)|my (own )?fault|i (did )?miss(ed)? (those|the|that|a|some) payments?|"
          r"i (forgot|fell behind|got behind|defaulted|stopped paying)")
_ADMIT_NEG = r"(not|isn'?t|aren'?t|wasn'?t|in)(accurate| accurate| correct| true| right| valid)|incorrect|never late|never missed|paid on time"
_NO_PROOF = (r"(don'?t|do not|dont) have (any |the |my |a )?(proof|statements?|records?|paperwork|documents?|receipts?|docs|evidence|anything)|"
             r"no (proof|docs|documents|records|statements|paperwork|evidence|receipts?)|can'?t find|cannot find|threw (out|away)|"
             r"nothing in writing|not 100%|i think|i believe|pretty sure|i feel like|seems (like|too)|probably|unverified|"
             r"lost (the|my) (statements|records|paperwork|receipts?)|without (proof|statements|records|documents)|i guess|not sure")
_PROOF = (r"statements?\b|receipts?\b|\bletter\b|proof|bank (record|statement)|confirmation|cleared check|canceled check|email from|"
          r"documentation|my records|records show|attached|enclos|screenshot|autopay|police report|ftc|identitytheft\.gov|"
          r"discharge (order|papers|paperwork)|\bdocs\b|\bpif letter|paperwork|in writing|copy of|has (docs|proof)|"
          r"check (number|#)|court (order|records)|schedule")
CLAIM_CUES: tuple[tuple[Claim, str], ...] = (
    (C.DISCHARGED_SHOWS_BALANCE, r"discharg[^.\n]{0,80}(balance|owe|owing|\$|due|not updated|past due|amount)|"
                                 r"(balance|owe|owing|\$|due)[^.\n]{0,60}discharg"),
    (C.REAGED, r"re-?ag(ed|ing)|changed the (delinquency |dofd |first delinquency )?date|reset the date|date (was )?(changed|moved|reset|updated)|"
               r"dofd (is wrong|moved|changed|was changed)|look (newer|more recent)|new(er)? (dofd|delinquency date)|moved (the )?dofd|"
               r"(went bad|default(ed)?|first delinquen\w*|stopped paying)[^.\n]{0,40}(way |much |years )?earlier"),
    (C.DUPLICATE, r"twice|two times|duplicat|\bdup\b|double[- ]?report|both (the )?(old|original|report|servicer|lines|accounts|show)|"
                  r"reported two|listed two|same debt|same (account|loan) (is )?(listed|reported|show)|(old|previous|prior) servicer|"
                  r"(transferred|sold)[^\n]{0,100}(also|still|both) report|(also|still|both) report[^\n]{0,100}(transferred|sold)"),
    (C.PAID_SHOWN_UNPAID, r"(?<!un)(paid|settled|pif|paid off|paid in full)(?! as agreed| on time)[^\n]{0,150}(still|yet|but|showing|shows|says|reporting|report)[^.\n]{0,60}"
                          r"(unpaid|balance|owe|owing|past due|open|due|outstanding|collection|charged|delinquent)|"
                          r"(shows?|showing|reporting|reported|says)[^.\n]{0,40}(unpaid|balance|owe|owing|past due)[^.\n]{0,60}"
                          r"(i paid|was paid|been paid|paid (it|this|in full|off)|settled)"),
    (C.LATE_WRONG, r"(late|lates|past due|delinquen|\b(30|60|90|120)[- ]?days?\b|missed payment|payment history)[^\n]{0,120}"
                   r"(wrong|incorrect|error|inaccurate|mistake|didn'?t happen|not right|false|never (was )?late|paid on time|i paid|"
                   r"shouldn'?t|should not|don'?t think|forbearance|deferment|deferral|deferred|autopay|auto-pay|hardship|"
                   r"disput|not mine|grace period|never missed)|"
                   r"(wrong|incorrect|false|inaccurate|erroneous|mistaken|never (was )?late|paid on time|forbearance|deferment|deferral|"
                   r"autopay|auto-pay|hardship|never missed)[^.\n]{0,120}(late|lates|past due|delinquen|\b(30|60|90)[- ]?day)|"
                   r"disputes? (\d+-day |the )?late|"
                   r"(believes?|thinks?|sure|says?|claims?)[^.\n]{0,40}(pmt|payment|paid)[^.\n]{0,50}(on time|before the due|by the due)"),
    (C.BALANCE_WRONG, r"(balance|amount|bal\b|amt|owe|figure|number)[^.\n]{0,60}(wrong|incorrect|too high|inflated|not right|"
                      r"doesn'?t match|inaccurate|higher|more than|off\b|error|mistake|less|lower|should be|not what|way more|double)|"
                      r"(wrong|incorrect|inflated|inaccurate|higher|too high) (balance|amount|bal|figure)|only owe|should (only )?be \$|"
                      r"added fees|disputes? bal|overcharg|statement (showed|shows|said|says)|"
                      r"seems (way )?(higher|too high|off|wrong)|way off|(more|higher) than (what )?i (remember|owed|thought)|"
                      r"where did the (other|extra|rest)"),
    (C.STATUS_WRONG, r"status[^.\n]{0,30}(wrong|incorrect|inaccurate|error|mistake)|rehabilitat|\brehab\b|modification|"
                     r"should (be|show) (current|closed|paid)|(wrong|incorrect|inaccurate) status|"
                     r"(says|shows|reports?|reported|listed)[^.\n]{0,40}but (it|i|this|the account) (was|is|never)|disputes? status|"
                     r"never (charged|in collections?|delinquent)"),
    (C.UNAUTHORIZED_INQUIRY, r"never (applied|authorized|gave (permission|consent)|requested|agreed)|(didn'?t|did not|never) (apply|authori[sz]e|give|request|agree|consent)|"
                             r"no reason (to|for) (pull|check|run)|don'?t know why[^.\n]{0,30}(pull|inquir|check|ran)|"
                             r"unauthori[sz]ed|without (my )?(permission|consent|authori[sz]ation)|not authori[sz]ed"),
    (C.TOO_OLD, r"too old|fall(en)? off|fell off|(7|seven|7\+) (years|yrs)|obsolete|reporting (period|limit)|aged? off|should (have )?(be )?gone|"
                r"over (7|seven|ten|10)|past (7|seven|the 7)|older than|statute of limitation|from (19|200)\d"),
    (C.CANNOT_RECONCILE, r"reconcile|doesn'?t add up|don'?t know (where|how)|no idea (where|how)|how they (got|came up|calculated)|"
                         r"don'?t understand (the |this |how )|validat|can'?t (figure|match|verify)|amt doesn'?t match|"
                         r"(bought|sold|purchased)[^.\n]{0,40}(amount|number|doesn'?t|can'?t)"),
    (C.GOODWILL, r"goodwill|good will|courtesy|forgive|one[- ]time"),
    (C.STATUS_UNKNOWN, r"unknown"),
    (C.WANTS_REMOVAL_ACCURATE, r"(want|need|like|get)( it| this| them)?( to be)? (gone|off|removed|deleted|taken off)|get rid of|"
                               r"remove (it|this|them)|delete (it|this|them)|wants? (it )?(deleted|removal|removed|off)|clean up my"),
    (C.VAGUE, r"(something|things|stuff|items?|errors?|information|info|it|report|credit)[^.\n]{0,30}(wrong|incorrect|inaccurate|not accurate|"
              r"messed up|not right|errors?)|errors? on|inaccurate (information|items|accounts)|dispute (my|the|everything)|"
              r"(wrong|incorrect|inaccurate)"),
)


@dataclass
class RulePrediction:
    """A rule-based label with a modest confidence and the cues that fired."""

    label: str
    confidence: float
    rules: list[str]
    facts: ItemFacts
    cues: list[str] = field(default_factory=list)


def _year(y: str) -> int:
    v = int(y)
    return v + 2000 if v < 100 and v <= (TODAY.year % 100) + 1 else v + 1900 if v < 100 else v


def _safe_date(y: int, m: int = 7, d: int = 1) -> date | None:
    try:
        return date(y, max(1, min(m, 12)), max(1, min(d, 28)))
    except ValueError:
        return None


def find_dates(text: str, today: date = TODAY) -> list[tuple[int, date]]:
    """(position, date) for each date-like span: 03/2016, 2016-03-01, March 2016, 'since 2015', '8 years ago'."""
    low = text.lower()
    taken = bytearray(len(low))  # 1 where an earlier pattern already read a date (was a span list: quadratic)
    out: list[tuple[int, date]] = []
    for kind, pat in _DATE_PATTERNS:
        for m in re.finditer(pat, low):
            if any(taken[m.start():m.end()]):
                continue
            g = m.groups()
            d = None
            if kind == "ymd":
                d = _safe_date(int(g[0]), int(g[1]), int(g[2] or 1))
            elif kind == "mdy":
                d = _safe_date(int(g[2]), int(g[0]), int(g[1]))
            elif kind == "my":
                d = _safe_date(int(g[1]), int(g[0]))
            elif kind == "xxy":
                d = _safe_date(int(g[0]))
            elif kind == "mon":
                d = _safe_date(_year(g[1]), MONTHS[g[0][:3]])
            elif kind == "mdy2":
                if 1 <= int(g[0]) <= 12:
                    d = _safe_date(_year(g[1]), int(g[0]))
            elif kind == "year":
                d = _safe_date(int(g[0]))
            if d and date(1980, 1, 1) <= d <= today + timedelta(days=31):
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
                out.append((m.start(), d))
    for m in _AGO.finditer(low):
        n = m.group(1)
        years = _WORDNUM.get(n, None) if not n.isdigit() else int(n)
        if years:
            out.append((m.start(), today - timedelta(days=int(years * 365.25 + 30))))
    return sorted(out)


def find_amounts(text: str) -> list[tuple[int, float]]:
    out = []
    for m in _AMOUNT.finditer(text.lower()):
        g = m.groups()
        whole, cents, k = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], None) if g[3] else (g[5], None, None)
        try:
            value = float(whole.replace(",", "")) + (float(f"0.{cents}") if cents else 0.0)
        except (TypeError, ValueError):
            continue
        if k:
            value *= 1000
        out.append((m.start(), value))
    return out


# Values are bounded ({0,300}): an unbounded lazy value re-ran the lookahead from every
# separator to the end of the line (quadratic on "a,a:a,a:...");
# quadratic on "a,a:a,a:..."); a longer value is read as its first 300 characters.
_FIELD = re.compile(r"(?:^|[|;,\n]|\s{2,})\s*([A-Za-z][A-Za-z #./_()1-9-]{1,40}?)\s*[:=]\s*(\"[^\"]{0,300}\"|"
                    r"[^|;\n]{0,300}?(?=\s*(?:[|;\n]|,\s*[a-z_]+\s*=|$))|[^|;\n]{300})")
_ROLE_KEYS: tuple[tuple[str, str], ...] = (
    ("note", r"note|remark|comment|reason|statement|says|client|consumer"),
    ("dofd", r"dofd|delinq|dla"),
    ("event", r"inquir|inquired|filed|filing"),
    ("opened", r"open"),
    ("bureau", r"bureau|source|\bcra\b|reported by"),
    ("reported", r"report|updated"),
    ("creditor", r"creditor|company|furnisher|subscriber|name|collector"),
    ("type", r"type|category|kind"),
    ("status", r"status|condition"),
    ("balance", r"bal|amount|amt|owed"),
    ("number", r"acct|account|number|#"),
)
_MISSING = re.compile(r"^\s*(unknown|n/?a|--+|-|\?|none|\(not listed\)|x{4}|)\s*$", re.I)


def parse_fields(text: str) -> dict[str, str]:
    """Report-row fields (Creditor: X | Balance: $1 ... or key=value) mapped to roles; {} for prose."""
    pairs = _FIELD.findall(text)
    if len(pairs) < 2:
        return {}
    out: dict[str, str] = {}
    for key, value in pairs:
        k = key.lower().replace("_", " ").strip()
        v = value.strip().strip('"').replace("_", " ") if "=" in text else value.strip().strip('"')
        for role, pat in _ROLE_KEYS:
            if re.search(pat, k):
                out.setdefault(role, v)
                break
    return out


# The cue patterns are compiled once: re's own cache costs a lookup per call, ~70 calls a text.
_compiled = lru_cache(maxsize=None)(re.compile)


class RuleClassifier:
    """Keyword / regex / date cues -> ItemFacts -> `policy.decide`."""

    def __init__(self, today: date = TODAY):
        self.today = today

    # -- extraction -------------------------------------------------------
    def extract(self, text: str) -> tuple[ItemFacts, list[str]]:
        """Facts stated in the text plus the names of the cues that fired."""
        cues: list[str] = []
        text = squeeze_space(text)  # bounded whitespace runs: the field patterns stay linear
        fields = parse_fields(text)
        low = " ".join(text.lower().split())
        note = fields.get("note", "").lower()

        def has(pat: str, where: str = low) -> bool:
            return _compiled(pat).search(where) is not None

        # account type: a field wins, else the first cue family that matches
        atype = A.UNKNOWN
        for t, pat in TYPE_CUES:
            if fields.get("type") and not _MISSING.match(fields["type"]) and has(pat, fields["type"].lower()):
                atype = t
                break
        if atype is A.UNKNOWN:
            for t, pat in TYPE_CUES:
                if t is A.BANKRUPTCY and has(r"discharg|included in"):
                    others = [pat2 for t2, pat2 in TYPE_CUES if t2 not in (A.BANKRUPTCY, A.INQUIRY, A.TAX_LIEN,
                                                                               A.CIVIL_JUDGMENT) and has(pat2)]
                    if others and has(CLAIM_CUES[0][1]):
                        continue
                if has(pat):
                    atype = t
                    break
        if atype is not A.UNKNOWN:
            cues.append(f"type:{atype.value}")

        creditor = None
        if fields.get("creditor") and not _MISSING.match(fields["creditor"]):
            creditor = fields["creditor"]
        if creditor is None:
            m = _CREDITOR_RE.search(low)
            creditor = m.group(0) if m else None
        if creditor is None:
            m = _CORP.search(text)
            if m and m.group(1).split()[0].lower() not in ("the", "my", "i", "this", "a", "fair", "credit"):
                creditor = m.group(0)
        if creditor is None and _XXXX_ITEM.search(low):
            creditor = "XXXX"
        if creditor:
            cues.append("creditor")

        acct = None
        num_src = fields.get("number", "") if fields else ""
        m = _ACCT_NO.search(num_src.lower()) if num_src and not _MISSING.match(num_src) else None
        m = m or _ACCT_NO.search(low)
        if m:
            acct = m.group(1) or m.group(2)
            cues.append("account_number")

        # status
        status = None
        status_src = fields.get("status")
        if status_src is not None:
            s_low = status_src.lower()
            if _MISSING.match(status_src):
                status = S.UNKNOWN if has(r"unknown", s_low) else None
            else:
                status = next((st for st, pat in STATUS_CUES if has(pat, s_low) or has(r"unknown", s_low) and st is S.UNKNOWN), None)
        if status is None:
            status = next((st for st, pat in STATUS_CUES if has(pat)), None)
            if status is S.PAID and has(r"(never|not|haven'?t|hasn'?t|didn'?t|unable to|couldn'?t|can'?t|won'?t|un)\s?(been )?pa(id|y)"):
                status = S.COLLECTION if atype in (A.COLLECTION, A.MEDICAL) else None
        if status is not None:
            cues.append(f"status:{status.value}")

        # amounts
        amounts = find_amounts(fields.get("balance", "") or low) or find_amounts(low)
        balance = None
        if amounts:
            balance = amounts[0][1]
            cues.append("amount")
        if has(r"\$0\b|zero balance|\$0\.00") and atype is A.MEDICAL:
            balance = 0.0

        # dates with roles from the words just before them
        dofd = opened = event = reported = original = None
        if fields:
            for role in ("dofd", "opened", "event", "reported"):
                v = fields.get(role)
                if v and not _MISSING.match(v):
                    ds = find_dates(v, self.today)
                    if ds:
                        if role == "dofd":
                            dofd = ds[0][1]
                        elif role == "opened":
                            opened = ds[0][1]
                        elif role == "event":
                            event = ds[0][1]
                        else:
                            reported = ds[0][1]
        untagged: list[date] = []
        for pos, d in find_dates(low if not fields else note or low, self.today):
            src = low if not fields else note or low
            before = src[max(0, pos - 45):pos]
            near = before[-22:]
            if re.search(r"original|actually|real|true|back in", near) and re.search(r"delinq|behind|late|default|dofd", before):
                original = original or d
            elif re.search(r"delinq|dofd|dla|behind|late|default|stopped pay|charged?[- ]?off|went to collection|past due|missed|since", near):
                dofd = dofd or d
            elif re.search(r"open", near):
                opened = opened or d
            elif re.search(r"inquir|pulled|applied|\binq\b|dated|filed|filing|discharg|chapter|bankrupt", near):
                event = event or d
            elif re.search(r"report(ed)?|updated|as of|received|letter|called|wrote|disputed|sent|mailed", near):
                reported = reported or d
            else:
                untagged.append(d)
        if untagged:
            if atype in (A.INQUIRY, A.BANKRUPTCY, A.CIVIL_JUDGMENT, A.TAX_LIEN):
                event = event or max(untagged)
            elif dofd is None and atype not in (A.UNKNOWN,):
                dofd = max(untagged) if len(untagged) > 1 else untagged[0]
        if any((dofd, opened, event, reported)):
            cues.append("date")

        # claim, proof, admission
        claim = Claim.NONE
        ownership_unsure = has(_NEG_STRONG_UNSURE) and has(r"mine|recogni|theirs|my account|whose|opened|remember|owner")
        if has(_ID_THEFT) and not has(r"no (sign of )?fraud|not fraud"):
            claim = C.IDENTITY_THEFT
        elif ownership_unsure:
            claim = C.UNSURE_MINE
        elif has(_NOT_MINE) and not (atype is A.INQUIRY and has(r"never (applied|authorized)|didn'?t apply|did not apply")):
            claim = C.NOT_MINE
        else:
            for c, pat in CLAIM_CUES:
                if has(pat):
                    claim = c
                    break
            if claim is C.NONE and has(_UNRECOGNIZED):
                claim = C.UNSURE_MINE
            if claim is C.VAGUE and (creditor or atype is not A.UNKNOWN) and (
                    has(_PROOF) or has(_NO_PROOF) or has(r"balance|amount|status|payment|date|late|paid|\$")):
                claim = C.STATUS_WRONG  # a specific field of a named item said to be wrong
        if atype is A.INQUIRY and claim in (C.NOT_MINE,):
            claim = C.UNAUTHORIZED_INQUIRY
        if claim is C.UNAUTHORIZED_INQUIRY and atype is not A.INQUIRY and has(r"never applied|didn'?t apply|did not apply"):
            claim = C.NOT_MINE
        if claim is C.STATUS_UNKNOWN and status is None:
            status = S.UNKNOWN
        if claim is not C.NONE:
            cues.append(f"claim:{claim.value}")

        authorized = None
        if atype is A.INQUIRY:
            if claim in (C.UNAUTHORIZED_INQUIRY, C.IDENTITY_THEFT):
                authorized = False
            elif has(r"\bi (did |had )?appl(y|ied)|i authori[sz]ed|that was me|shopping|i was looking|i signed up|cx (did apply|confirms applied)|"
                     r"authorized by|applied for|i requested|my application|i (was|got) approved|i financed|i submitted|"
                     r"i went to (the|a) (dealer|store|bank)|i opened|cx applied|consumer applied"):
                authorized = True
                cues.append("authorized")

        evidence = E.NONE
        if has(_PROOF) and not has(_NO_PROOF):
            evidence = E.IDENTITY_THEFT_REPORT if has(r"police|ftc|identitytheft") else E.STATEMENTS
            cues.append("proof")
        elif has(_NO_PROOF):
            cues.append("no_proof")

        strong_admit = r"\badmit|i know (it'?s|it is|this is) mine|not saying|(is|are) (accurate|correct)|cx (confirms|agrees|acknowledges)"
        admits = has(_ADMIT)
        if claim in (C.NOT_MINE, C.IDENTITY_THEFT, C.UNSURE_MINE, C.CANNOT_RECONCILE, C.STATUS_UNKNOWN) and not has(strong_admit):
            admits = False
        if admits and has(_ADMIT_NEG) and not has(r"i admit|cx admits|i know (it'?s|it is) mine|i did owe|i was late"):
            admits = False
        if admits and has(r"(don'?t|do not|never) (think|believe) i was (\w+ )?late|not sure (if |that )?i was (\w+ )?late"):
            admits = False  # "I don't think I was late" denies the late; "i was late" matched inside it
        if admits:
            cues.append("admission")
            if claim in (C.VAGUE, C.NONE):
                claim = C.NONE

        dup_balance = None
        if claim is C.DUPLICATE:
            dup_balance = not has(r"(?<!should )(?<!should be )(shows?|showing|reports?|reporting|says|at|with|has) (a )?(\$0|zero|\$ ?0\.00)|"
                                  r"oc (tl )?(shows|at) \$?0|\$0[^.\n]{0,20}transferred")
            if has(r"both[^.\n]{0,30}(bal|owe|amount|full)|each[^.\n]{0,30}(bal|owe)"):
                dup_balance = True

        if claim is C.NONE and not admits and has(r"\b(i|we) (want|need)[^.\n]{0,30}(gone|removed|off|deleted)"):
            claim = C.WANTS_REMOVAL_ACCURATE

        facts = ItemFacts(
            account_type=atype, creditor=creditor, account_number=acct, balance=balance, status=status,
            date_opened=opened, dofd=dofd, event_date=event, date_reported=reported, claim=claim, evidence=evidence,
            admits_accurate=admits, authorized=authorized, duplicate_has_balance=dup_balance, original_dofd=original,
        )
        return facts, cues

    # -- prediction -------------------------------------------------------
    def predict(self, text: str) -> RulePrediction:
        """Label one text; confidence grows with the cues found (0.35-0.85, never certain)."""
        facts, cues = self.extract(text)
        decision = decide(facts, self.today)
        confidence = min(0.85, 0.35 + 0.07 * len(cues))
        return RulePrediction(decision.label, round(confidence, 3), [decision.rule], facts, cues)

    def predict_many(self, texts: Iterable[str]) -> list[RulePrediction]:
        return [self.predict(t) for t in texts]
