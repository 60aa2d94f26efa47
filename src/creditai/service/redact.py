"""PII redaction for everything the service stores or logs.

`redact(text)` replaces identifiers with typed placeholders ("[SSN]", "[NAME]", ...)
and keeps the facts an auditor needs: dollar amounts, years, percentages, creditor
names, statute citations and already-masked numbers ("XXXX1234", "****1234").
Redaction is deliberately greedy (a false positive only hides a token from the audit
log; a false negative leaks PII), and idempotent: redacting twice changes nothing.

How it works (measured choices in benchmarks/bench_redact.py):

* Matching runs on a *folded* copy of the text (NFC, then one character for one:
  Unicode hyphens/dashes/minus to "-", other spaces to " ", any script's digits and
  full-width forms to ASCII, accents stripped), so "１２３‐４５‐６７８９" is an SSN.
  Replacements are made at the same positions in the original text, so everything
  that is not PII is stored exactly as written.
* Detectors run in a fixed order, most specific first, each on the text left by the
  ones before it (an already-placed placeholder is one opaque character to them).
* Names: cues ("my name is", "Name:", "Sincerely,", "Mr./Dr.", "I, X,", "on behalf
  of") take any capitalised words; without a cue, a capitalised first + last name
  pair is redacted when both are in the US Census name lists shipped with
  `probablepeople` (5,163 first names, 151,671 surnames of the 2000 Census), neither
  is a common English/finance word, and the pair is not part of a creditor's name.
* Addresses: house number + street words + a USPS street suffix (+ unit, + city,
  state, ZIP), numbered highways/routes, PO and rural-route boxes, and
  "City, ST 12345".
* Every pattern runs in linear time on adversarial input: a run of characters can
  start a match only at its first character (look-behinds), quantifiers are bounded
  or possessive, and no quantified group can match the same text in two ways.
  tests/test_redact.py checks the growth.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from creditai.textnorm import DASHES, QUOTES

__all__ = ["PLACEHOLDERS", "redact", "redact_obj"]

log = logging.getLogger(__name__)

PLACEHOLDERS = (
    "[EMAIL]",
    "[DOB]",
    "[SSN]",
    "[CARD]",
    "[PHONE]",
    "[ACCOUNT]",
    "[NUMBER]",
    "[ADDRESS]",
    "[NAME]",
)
# While redacting, each placed placeholder is one control character (U+000E..) that no
# pattern matches; they become the bracketed text at the end. Input that already holds
# such a character has it replaced by U+FFFD first; input that holds a bracketed
# placeholder ("[SSN]") has it turned back into the character, so redacting the output
# again starts from exactly the text the first call ended with (see redact()).
_CODE = {ph: chr(0x0E + i) for i, ph in enumerate(PLACEHOLDERS)}
_EXPAND = {0x0E + i: ph for i, ph in enumerate(PLACEHOLDERS)}
_RESERVED = re.compile("[\x0e-\x16]")
_LITERAL = re.compile(r"\[(?:" + "|".join(ph[1:-1] for ph in PLACEHOLDERS) + r")\]")

# ----------------------------------------------------------------------------- folding

# the soft hyphen separates digit groups here ("123\u00ad45\u00ad6789"); textnorm drops it as invisible
_DASHES = DASHES | {"\u00ad"}
_QUOTES = QUOTES


class _FoldTable(dict):
    """str.translate table built on demand: one character in, one character out."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if code < 128:
            out = ch
        elif ch in _DASHES:
            out = "-"
        elif ch in _QUOTES:
            out = _QUOTES[ch]
        else:
            cat = unicodedata.category(ch)
            if cat in ("Zs", "Zl", "Zp", "Cf"):  # no-break/thin spaces, zero-width, BOM
                out = " "
            elif cat == "Nd":  # Arabic-Indic, Devanagari, full-width, bold ... digits
                out = str(unicodedata.decimal(ch))
            else:
                out = unicodedata.normalize("NFKC", ch)  # full-width letters and signs
                if len(out) != 1 or not out.isascii():
                    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
                    out = base if len(base) == 1 and base.isascii() else ch
                if out != ch and "\x0e" <= out <= "\x16":
                    out = ch
        if len(self) < 65536:  # bounded: adversarial input cannot grow it without limit
            self[code] = out
        return out


_FOLD = _FoldTable()


def _fold(text: str) -> str:
    return text if text.isascii() else text.translate(_FOLD)


# ----------------------------------------------------------------------------- patterns

_S = r"[ \t]"


def _first(letters: str) -> str:
    """A look-ahead on the first character: re then skips most positions at once."""
    return "(?=[" + letters.lower() + letters.upper() + "])"


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DSEP = r"[ \t]?[/\-.][ \t]?"
_DATE = (
    rf"(?:\d{{1,2}}{_DSEP}\d{{1,2}}{_DSEP}(?:\d{{4}}|\d{{2}})(?!\d)"
    rf"|\d{{4}}{_DSEP}\d{{1,2}}{_DSEP}\d{{1,2}}(?!\d)"
    rf"|{_MONTH}\.?{_S}{{1,3}}\d{{1,2}}(?:st|nd|rd|th)?,?{_S}{{0,3}}\d{{4}}(?!\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?{_S}{{1,3}}(?:of{_S}{{1,3}})?{_MONTH}\.?,?{_S}{{1,3}}\d{{4}}(?!\d))"
)
# "is", ":" or "#" between a label and its value; bounded and possessive.
_GLUE = rf"{_S}{{0,3}}+(?:(?:[:#=\-]|is|was){_S}{{0,3}}+)?"
# one separator between two digit groups: "-", ".", " - ", or 1-3 spaces.
_NSEP = rf"(?:{_S}{{0,3}}+[\-.]{_S}{{0,3}}+|{_S}{{1,3}}+)"

_SSN_LABEL = (
    rf"(?:ssn|ss\#|s\.s\.n\.?|ssan|soc(?:ial)?\.?{_S}{{0,3}}sec(?:urity)?\.?|itin|tin"
    rf"|tax{_S}{{1,3}}id(?:entification)?)(?![a-z])(?:{_S}{{1,3}}(?:number|num|nbr|no\.?|\#))?"
)
_ACCOUNT_LABEL = (
    rf"(?:accounts?|acct|acc|a/c|loan|policy|member(?:ship)?|customer|client|reference|ref|case"
    rf"|claim|contract|confirmation|routing|iban|invoice)(?![a-z])"
    rf"(?:{_S}{{1,3}}(?:number|num|nbr|no|id|identifier|\#))?\.?"
)
_PHONE_LABEL = (
    rf"(?:phone|ph|tel|telephone|cell|mobile|fax|call(?:{_S}{{1,3}}me)?(?:{_S}{{1,3}}at)?"
    rf"|text(?:{_S}{{1,3}}me)?(?:{_S}{{1,3}}at)?)(?![a-z])\.?(?:{_S}{{1,3}}(?:number|num|no\.?|\#))?"
)

# --- addresses
_DIR = r"(?:[NSEW]|NE|NW|SE|SW|N\.[EW]\.|S\.[EW]\.|North|South|East|West)\.?"
_HOUSE = r"(?<![\w$.#/\-])\d{1,6}+(?:-?[A-Za-z](?![A-Za-z]))?(?:-\d{1,5}+)?"
_SWORD = r"(?:[A-Z][A-Za-z'\-]*+\.?+|\d{1,3}+(?:st|nd|rd|th)(?![A-Za-z]))"  # capitalised or "5th"
_SUFFIX = (
    r"(?i:street|st|str|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|circle|cir"
    r"|way|place|pl|terrace|ter|parkway|pkwy|highway|hwy|freeway|fwy|expressway|expy|trail|trl"
    r"|square|sq|loop|pike|alley|aly|plaza|plz|crossing|xing|run|point|pt|ridge|rdg|heights|hts"
    r"|hollow|landing|meadows?|path|row|walk|commons|cove|cv|crescent|cres|bend|glen|grove|grv"
    r"|park|pass|estates|creek|hills?|view|vista|manor|mall|bay|center|ctr)(?![A-Za-z0-9])\.?"
)
_UNIT = (
    rf"(?:,?{_S}{{1,3}}+(?i:apt|apartment|unit|suite|ste|bldg|building|fl|floor|rm|room|lot|spc|space"
    rf"|trlr|dept|\#)\.?{_S}{{0,3}}+\#?{_S}{{0,2}}+[A-Za-z0-9][A-Za-z0-9\-]{{0,7}}+(?![A-Za-z0-9]))?"
)
_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY"
    " NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP"
).split()
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii"
    "|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan"
    "|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico"
    "|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island"
    "|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia"
    "|Wisconsin|Wyoming|Puerto Rico|District of Columbia"
)
_STATE = rf"(?:(?:{'|'.join(_STATES)})(?![A-Za-z])\.?|(?:{_STATE_NAMES})(?![A-Za-z]))"
_ZIP = r"\d{5}(?:-\d{4})?(?!\d)"
_CITY = rf"[A-Z][A-Za-z'\-]*+\.?+(?:{_S}[A-Z][A-Za-z'\-]*+){{0,2}}"
_TAIL = (
    rf"(?:,?\s{{1,3}}+{_CITY},?{_S}{{1,3}}+{_STATE}(?:,?{_S}{{1,3}}+{_ZIP})?"
    rf"|,?{_S}{{1,3}}+{_STATE}{_S}{{1,3}}+{_ZIP}|,?{_S}{{1,3}}+{_ZIP})?"
)
_STREET = (
    rf"{_HOUSE}{_S}{{1,3}}+(?:{_DIR}{_S}{{1,3}}+)?{_SWORD}(?:{_S}{{1,3}}+{_SWORD}){{0,3}}{_S}{{1,3}}+{_SUFFIX}"
    rf"(?:{_S}{{1,3}}+{_DIR}(?![A-Za-z]))?{_UNIT}{_TAIL}"
)
_ROUTE = (
    rf"{_HOUSE}{_S}{{1,3}}+(?:(?:[NSEW]|State|County|US|U\.S\.|Interstate|Old|Farm{_S}to{_S}Market){_S}{{1,3}}+)?"
    rf"(?i:highway|hwy|route|rte|road|rd|fm|cr|sr)\.?{_S}{{0,3}}+\#?\d{{1,5}}+[A-Za-z]?(?![\w])"
    rf"(?:{_S}{{1,3}}+{_DIR}(?![A-Za-z]))?{_UNIT}{_TAIL}"
)
_NO_SUFFIX = (  # "123 Broadway, New York, NY 10001": no suffix, but a city, state and ZIP
    rf"{_HOUSE}{_S}{{1,3}}+(?:{_DIR}{_S}{{1,3}}+)?{_SWORD}(?:{_S}{{1,3}}+{_SWORD}){{0,3}}{_UNIT}"
    rf",{_S}{{1,3}}+{_CITY},?{_S}{{1,3}}+{_STATE}{_S}{{1,3}}+{_ZIP}"
)
_LOWER_STREET = (  # "99 elm street": any words before an unambiguous suffix
    rf"{_HOUSE}{_S}{{1,3}}+(?:[A-Za-z][A-Za-z'\-]*+{_S}{{1,3}}+){{1,3}}"
    rf"(?i:street|avenue|road|boulevard|blvd|lane|parkway|pkwy|terrace|drive)(?![A-Za-z])\.?{_UNIT}{_TAIL}"
)
_PO_BOX = (  # "PO Box 77", "P.O. Box 740241", "Post Office Box 5", "RR 2 Box 15"; + city, state, ZIP
    _first("prhs")
    + rf"(?i:(?<![\w])(?:(?:p\.?{_S}?o\.?{_S}{{0,2}}+|post{_S}{{1,3}}office{_S}{{1,3}}+|pob{_S}{{0,2}}+)box"
    rf"{_S}{{0,3}}+(?:no\.?{_S}{{0,2}}+)?\#?{_S}{{0,2}}+\d{{1,8}}+"
    rf"|(?:rr|r\.r\.|rural{_S}route|hc|star{_S}route){_S}{{0,2}}+\d{{1,4}}+,?{_S}{{1,3}}+box{_S}{{0,3}}+\d{{1,6}}+)"
    rf"(?![\w]))" + _TAIL
)
_CITY_STATE_ZIP = rf"(?<![\w'\-]){_CITY},{_S}{{1,3}}+{_STATE}{_S}{{1,3}}+{_ZIP}"

# --- names
_NT = r"(?:(?:[A-Z]\.){1,3}(?![A-Za-z])|[A-Z][A-Za-z]*+(?:['\-][A-Za-z]++)*+)"  # Jane, JOHN, Q., O'Neil
_NAME_TOKEN = re.compile(_NT)
_NAME_RUN = re.compile(rf"(?<![\w'\-]){_NT}(?:{_S}{{1,2}}+{_NT})++")
_NAME_AT = re.compile(rf"{_NT}(?:{_S}{{1,2}}+{_NT}){{0,4}}")
_LOWER_TOKEN = re.compile(r"[a-z](?:\.|[a-z'\-]*+)")
_LOWER_NAME_AT = re.compile(rf"{_LOWER_TOKEN.pattern}(?:{_S}{{1,2}}+{_LOWER_TOKEN.pattern}){{0,3}}")
_CUE_SEP = rf"{_S}{{0,3}}+[,:\-]?+\s{{0,3}}+"
_STRONG_CUE = re.compile(  # any capitalised words follow
    _first("msrbkwytoca/")
    + rf"(?i:(?<![\w])(?:(?P<my>my{_S}{{1,3}}(?:full{_S}{{1,3}}|legal{_S}{{1,3}})?name{_S}{{1,3}}is"
    rf"|my{_S}{{1,3}}name's)|sincerely(?:{_S}{{1,3}}yours)?|respectfully(?:{_S}{{1,3}}(?:submitted|yours))?"
    rf"|(?:best{_S}{{1,3}}|kind{_S}{{1,3}}|warm{_S}{{1,3}})?regards|yours{_S}{{1,3}}truly|truly{_S}{{1,3}}yours"
    rf"|signed(?:{_S}{{1,3}}by)?|on{_S}{{1,3}}behalf{_S}{{1,3}}of|c/o|care{_S}{{1,3}}of|attn|/s/)(?![a-z]))"
    + _CUE_SEP
)
_LABEL_CUE = re.compile(  # "Name: X", "Borrower - X": the colon (or a spaced dash) is required
    _first("flpmcabdsnt")
    + rf"(?i:(?<![\w])(?:(?:full|legal|printed|print|first|last|middle|maiden|consumer|customer|client"
    rf"|applicant|borrower|debtor|patient){_S}{{1,3}})?(?:name|borrower|co-?borrower|applicant|cardholder"
    rf"|account{_S}{{1,3}}holder|debtor|consumer|customer|client|patient|claimant|spouse|signature"
    rf"|authorized{_S}{{1,3}}user|co-?signer|attention|from|to|cc))(?:{_S}{{0,3}}+:|{_S}{{1,3}}+-)\s{{0,3}}+"
)
_TITLE_CUE = re.compile(  # the title is kept: "Mr. [NAME]"; "Mr. Cooper" is a mortgage servicer
    rf"(?<![\w])(?!Mr\.?{_S}{{1,3}}Cooper\b)(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Rev|Hon|Sr|Sra|Srta)\.?{_S}{{1,2}}+"
)
_I_COMMA = re.compile(rf"(?<![\w])I,{_S}{{1,2}}+(?P<n>{_NT}(?:{_S}{{1,2}}+{_NT}){{0,4}})\.?,")  # "I, Jane Doe,"
_WEAK_CUE = re.compile(  # the first word must be a known first name
    _first("itdncsm")
    + rf"(?i:(?<![\w])(?:i{_S}{{1,3}}am|i'm|this{_S}{{1,3}}is|dear|named|called|contact"
    rf"|(?:spoke|talked|spoken){_S}{{1,3}}(?:to|with)|my{_S}{{1,3}}(?:wife|husband|son|daughter|mother|father"
    rf"|spouse|partner|brother|sister|fiance|fiancee))(?![a-z]))"
    + _CUE_SEP
)

# Words that end a name after a cue (function words, greetings, labels, calendar words)
# and are never half of a dictionary name pair.
_END = frozenset(
    """
    a an and are as at be been but by can could do does for from had has have he her him his how i if in
    into is it its me my no nor not of off on or our out over per she so than that the their them then
    there these they this those to too up upon us was we were what when where which while who whom why
    with would yes you your all any both each every few many more most much other some such very
    just also only own same again further once here now dear sir madam concern hello hi thanks thank
    please regards sincerely best kind yours truly respectfully re fw fwd cc bcc attn subject date
    ssn ss dob id tin itin ein phone tel telephone cell mobile fax email e-mail address addr zip
    account accounts acct balance payment payments dispute letter report ref reference case loan
    january february march april may june july august september october november december jan feb mar
    apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
    today tomorrow yesterday
    """.split()
)
_CREDITOR_WORDS = frozenset(
    """
    bank banks bancorp card cards credit capital financial finance financing services servicing mortgage
    loan loans lending funding fund auto recovery associates management mgmt collection collections
    collect receivables portfolio acceptance group partners solutions systems holdings company co corp
    corporation inc llc llp lp ltd na fsb agency bureau insurance investments securities jewelers
    furniture motors automotive dealer retail stores appliances
    """.split()
)
# Words after which a capitalised pair is a place or an institution, not a person.
_PLACE_WORDS = frozenset(
    """
    street st avenue ave road rd boulevard blvd drive dr lane ln court ct way place pl parkway pkwy
    highway hwy trail square plaza county parish city town township village park bridge memorial
    university college school academy institute hospital clinic center centre church library museum
    airport station hall building tower act law foundation fund
    """.split()
)
# Finance, legal and address vocabulary, and calendar words, that the Census surname
# list also holds (Bank, Street, Fair, Credit): never half of a dictionary pair.
_VOCAB = frozenset(
    """
    spring summer autumn fall winter christmas easter thanksgiving
    creditor creditors lender lenders savings trust union federal national american america first
    home homes recoveries association collector collectors receivable partnership companies
    incorporated plc usa bureaus reporting reports consumer consumers assurance investment investors
    asset assets equity legal law laws lawyer attorney attorneys office offices department dept medical
    health hospital clinic healthcare dental pharmacy university college school student students
    education energy electric power gas water utility utilities wireless telecom communications cable
    motor cars outlet express direct online global international united general standard premier
    choice one two three alliance navy army force military veterans act fair debt debts practices
    opportunity equal protection truth billing bill bills code title chapter section rule rules
    regulation regulations statute court courts judge judgment county city state states district
    town township village street avenue road boulevard drive lane place way highway route box suite
    apartment unit north south east west northeast northwest southeast southwest central upper lower
    new old paid pay late past due charge charged off closed open disputed disputes letters notice
    request goodwill deletion remove removal fraud identity theft victim inquiry inquiries score
    scores fico vantage rate interest limit amount total minimum status history file files record
    records public private data experian equifax transunion innovis lexisnexis chex chexsystems
    sagestream
    """.split()
)
# Common English words and place names that the Census first-name list also holds:
# never the first half of a dictionary pair (after a cue they are still names).
_AMBIGUOUS = frozenset(
    """
    will grace chase hunter hope faith joy grant page lane rose dawn young king long major junior
    miss son sun star love song man lady queen prince princess royal golden holly ivy pearl
    crystal amber sunny honey candy precious charity liberty destiny trinity angel angels
    christian jesus god lord saint st san santa dakota virginia georgia carolina florida nevada
    indiana montana washington jersey york texas arizona california houston dallas austin denver
    phoenix cleveland columbus lincoln madison jackson jefferson franklin clinton kent devon orlando
    paris china india asia africa europe france germany german irish english spanish italian
    mark marks rich guy dean art don ray max sue pat bob frank gene earl carry chance hall
    """.split()
)
_STOP = _END | _CREDITOR_WORDS | _PLACE_WORDS | _VOCAB | _AMBIGUOUS
# Creditor, collector and brand names that read as a first + last name.
_PROTECTED = tuple(
    tuple(p.upper().split())
    for p in """
    Sallie Mae|Fannie Mae|Freddie Mac|Ginnie Mae|Morgan Stanley|Morgan Chase|JP Morgan|Charles Schwab
    |Edward Jones|Raymond James|Jackson Hewitt|Lane Bryant|Hunter Warfield|Ann Taylor|Eddie Bauer
    |Harley Davidson|John Deere|Jack Henry|Ashley Stewart|Ashley Furniture|Kay Jewelers|Jared Galleria
    |Victoria Secret|Dell Financial|Marcus Goldman|Goldman Sachs|Wells Fargo|Allen Tate|Stanley Steemer
    |Rooms To Go|Dave Ramsey|Franklin Collection|Jefferson Capital|Lincoln Financial|Lincoln Automotive
    |Ross Stores|Kohl Department|Carson Smithfield|Phillips Cohen|Hayt Hayt|Weltman Weinberg
    |Stewart Title|Lincoln Park|Jackson National|Emily Post|Ella Baker|Howard Hughes|Rocket Mortgage
    """.replace("\n", " ").split("|")
)
_PROTECTED_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _p in _PROTECTED:
    _PROTECTED_BY_FIRST.setdefault(_p[0], []).append(_p)
_NAME_SUFFIX = frozenset({"JR", "SR", "II", "III", "IV", "V", "ESQ", "MD", "PHD", "DDS", "CPA"})
_NAME_LABEL_NOT_PERSON = frozenset(
    "creditor company furnisher bank business agency collector lender user file account product plan"
    " brand merchant store employer school program court street city state county".split()
)


@functools.cache
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames), upper case, from the US Census lists that probablepeople ships."""
    try:
        from probablepeople.ratios import ratios  # {NAME: first-name ratio}, 0 for surnames only
    except ImportError:  # pragma: no cover - the dependency is declared; degrade, loudly
        log.warning("probablepeople is not installed: names are redacted only after cues")
        return frozenset(), frozenset()
    first = frozenset(k for k, v in ratios.items() if v > 0 and k.isalpha())
    last = frozenset(k for k, v in ratios.items() if v < 1 and k.isalpha())
    return first, last


# ----------------------------------------------------------------------------- detectors

Spans = Iterable[tuple[int, int]]
Detector = Callable[[str], Spans]


def _rx(pattern: str, flags: int = 0) -> Detector:
    """A detector from a regex: the group "pii" (or the whole match) is what is replaced."""
    rx = re.compile(pattern, flags)
    group = "pii" if "pii" in rx.groupindex else 0

    def find(text: str) -> Iterator[tuple[int, int]]:
        for m in rx.finditer(text):
            yield m.span(group)

    return find


def _upper(token: str) -> str:
    return token.replace("'", "").replace(".", "").upper()


def _is_first(tok: str, first: frozenset[str]) -> bool:
    u = _upper(tok)
    if len(u) < 2 or u.lower() in _STOP:
        return False
    return u in first or ("-" in u and any(p in first and p.lower() not in _STOP for p in u.split("-")))


def _is_last(tok: str, last: frozenset[str]) -> bool:
    u = _upper(tok)
    if len(u) < 2 or u.lower() in _STOP:
        return False
    return u in last or ("-" in u and any(p in last and p.lower() not in _STOP for p in u.split("-")))


def _is_initial(tok: str) -> bool:
    return len(tok.rstrip(".")) == 1


def _tokens(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_NAME_TOKEN.finditer(text, start, end))


def _protected_indexes(words: list[str]) -> set[int]:
    out: set[int] = set()
    for i, w in enumerate(words):
        for phrase in _PROTECTED_BY_FIRST.get(w, ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                out.update(range(i, i + len(phrase)))
    return out


def _name_after(text: str, pos: int, need_first: bool = False) -> tuple[int, int] | None:
    """The span of the name that starts at `pos` (1-5 capitalised words), or None."""
    m = _NAME_AT.match(text, pos)
    if not m:
        return None
    toks = _tokens(text, m.start(), m.end())
    words = [_upper(t.group()) for t in toks]
    keep = []
    for t, w in zip(toks, words):
        if w.lower() in _END or w.lower() in _CREDITOR_WORDS:
            break
        keep.append(t)
    n = len(keep)
    if not n or _protected_indexes(words) & set(range(n)):
        return None
    first = _lexicon()[0]
    if n < len(toks) and words[n].lower() in _CREDITOR_WORDS and not (n > 1 and _is_first(keep[0].group(), first)):
        return None  # a company: "Name: LVNV Funding", "on behalf of Midland Credit"
    if need_first and not _is_first(keep[0].group(), first):
        return None
    return keep[0].start(), keep[-1].end()


def _lower_name_after(text: str, pos: int) -> tuple[int, int] | None:
    """After "my name is": a lower-case name, if the lexicon knows its first or last word."""
    m = _LOWER_NAME_AT.match(text, pos)
    if not m:
        return None
    keep = []
    for t in _LOWER_TOKEN.finditer(text, m.start(), m.end()):
        if t.group() in _STOP:
            break
        keep.append(t)
    first, last = _lexicon()
    if keep and (_is_first(keep[0].group(), first) or any(_is_last(t.group(), last) for t in keep[1:])):
        return keep[0].start(), keep[-1].end()
    return None


def _previous_word(text: str, pos: int) -> str:
    m = re.search(r"([A-Za-z]+)[ \t]{1,3}\Z", text[max(0, pos - 40) : pos])
    return m.group(1).lower() if m else ""


def _names_by_cue(text: str) -> Iterator[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _STRONG_CUE.finditer(text):
        span = _name_after(text, m.end())
        if span is None and m.group("my"):
            span = _lower_name_after(text, m.end())
        spans.append(span or (0, 0))
    for m in _LABEL_CUE.finditer(text):
        if _previous_word(text, m.start()) not in _NAME_LABEL_NOT_PERSON:
            spans.append(_name_after(text, m.end()) or (0, 0))
    for m in _TITLE_CUE.finditer(text):
        spans.append(_name_after(text, m.end()) or (0, 0))
    for m in _I_COMMA.finditer(text):
        span = _name_after(text, m.start("n"))
        if span and span[1] == m.end("n"):
            spans.append(span)
    for m in _WEAK_CUE.finditer(text):
        spans.append(_name_after(text, m.end(), need_first=True) or (0, 0))
    yield from _merge(spans)


def _extends_name(word: str, first: frozenset[str], last: frozenset[str]) -> bool:
    """A third word of a name: Jr./III, or a surname that does not start the next name."""
    if word in _NAME_SUFFIX:
        return True
    lw = word.lower()
    if word not in last or lw in _STOP and lw not in _AMBIGUOUS:
        return False
    return word not in first or lw in _AMBIGUOUS


def _names_by_dictionary(text: str) -> Iterator[tuple[int, int]]:
    first, last = _lexicon()
    if not first:
        return
    for run in _NAME_RUN.finditer(text):
        toks = _tokens(text, run.start(), run.end())
        words = [_upper(t.group()) for t in toks]
        blocked = _protected_indexes(words)
        n, i = len(toks), 0
        while i < n - 1:
            j = i + 1
            if i in blocked or not _is_first(toks[i].group(), first):
                i += 1
                continue
            if j + 1 < n and (_is_initial(toks[j].group()) or _is_first(toks[j].group(), first)) and _is_last(
                toks[j + 1].group(), last
            ):
                j += 1  # middle name or initial
            if not _is_last(toks[j].group(), last) or _is_initial(toks[j].group()):
                i += 1
                continue
            end = j
            while end + 1 < n and end - i < 3 and _extends_name(words[end + 1], first, last):
                end += 1  # second surname (King, Young too) or Jr./III
            following = words[end + 1].lower() if end + 1 < n else ""
            if blocked & set(range(i, end + 1)) or following in _CREDITOR_WORDS or following in _PLACE_WORDS:
                i = end + 1  # "Lane Bryant Card", "Martin Luther King Jr Blvd", "Jackson County"
                continue
            yield toks[i].start(), toks[end].end()
            i = end + 1


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


_CARD = re.compile(r"(?<![\d$.])(?:\d{4}(?:[ \t\-]?+\d{4}){2}[ \t\-]?+\d{1,7}|\d{4}[ \t\-]?+\d{6}[ \t\-]?+\d{4,5})(?!\d)")
_YEARS = re.compile(r"(?:(?:19|20)\d\d[ \t]+){3,}(?:19|20)\d\d")


def _cards(text: str) -> Iterator[tuple[int, int]]:
    """13-19 digits in groups of 4 (or Amex 4-6-5), but not a list of years ("2019 2020 2021 2022")."""
    for m in _CARD.finditer(text):
        if not _YEARS.fullmatch(m.group()):
            yield m.span()


_INTL_PHONE = re.compile(rf"(?<![\w+])(?:\+{_S}?|00|011{_S}?)[1-9]\d*+(?:[ \t\-./]{{0,2}}+\(?+\d++\)?+){{1,7}}")
_DIGIT_GROUP = re.compile(r"\d+")


def _intl_phones(text: str) -> Iterator[tuple[int, int]]:
    """+CC or 00CC / 011CC and digit groups: the longest run of groups with at most 15
    digits in all (what follows may be another number), kept if it has 8 or more."""
    for m in _INTL_PHONE.finditer(text):
        digits, end = 0, m.start()
        for g in _DIGIT_GROUP.finditer(text, m.start(), m.end()):
            if digits + len(g.group()) > 15:
                break
            digits += len(g.group())
            end = g.end()
        if digits >= 8:
            yield m.start(), end + (text[end : end + 1] == ")")


# (placeholder, detector) in the order they run.
_DETECTORS: list[tuple[str, Detector]] = [
    # e-mail first: its digits must not be taken for phone or account numbers.
    (
        "[EMAIL]",
        _rx(r"(?<![\w.%+'\-])[\w.%+'\-]++@(?:[A-Za-z0-9\-]++\.)+[A-Za-z]{2,63}(?![A-Za-z0-9\-])"),
    ),
    ("[DOB]", _rx("(?i)" + _first("db") + rf"\b(?:d\.?o\.?b\.?|date{_S}{{1,3}}of{_S}{{1,3}}birth|birth{_S}{{0,3}}date|birthday"
                  rf"|born(?:{_S}{{1,3}}on)?)(?![a-z]){_GLUE}(?P<pii>{_DATE})")),  # fmt: skip
    # international phone: +CC or 00CC / 011CC, then 8-15 digits in groups.
    ("[PHONE]", _intl_phones),
    # SSN / ITIN after a label: any 9 digits, any grouping ("123 456 789", "123 - 45 - 6789").
    ("[SSN]", _rx("(?i)" + _first("sit") + rf"\b{_SSN_LABEL}{_GLUE}(?P<pii>\d(?:{_S}{{0,3}}+(?:[\-./]{_S}{{0,3}}+)?\d){{8}})(?!\d)")),
    # SSN without a label: 3-2-4 with separators.
    ("[SSN]", _rx(rf"(?<![\d])\d{{3}}{_NSEP}\d{{2}}{_NSEP}\d{{4}}(?!\d)")),
    # payment card: 13-19 digits in groups of 4 (or Amex 4-6-5), spaces or dashes.
    (
        "[CARD]",
        _cards,
    ),
    # US phone: (555) 123-4567, 555-123-4567, 555.123.4567, 1-800-555-0199.
    (
        "[PHONE]",
        _rx(
            rf"(?<![\d$+\-])(?:\+?1[ \t\-.]{{0,2}}+)?(?:\({_S}?\d{{3}}{_S}?\)[ \t\-.]{{0,2}}+|\d{{3}}{_NSEP})"
            rf"\d{{3}}{_NSEP}\d{{4}}(?!\d)"
        ),
    ),
    ("[PHONE]", _rx("(?i)" + _first("ptcmf") + rf"\b{_PHONE_LABEL}{_GLUE}(?P<pii>\d{{3}}{_NSEP}\d{{4}})(?!\d)")),
    # account/reference id after a label, letters allowed: "acct AB12CD34EF", "ID: XK-99812-B".
    (
        "[ACCOUNT]",
        _rx(
            "(?i)" + _first("alpmcri") + rf"\b{_ACCOUNT_LABEL}{_GLUE}(?:\#{_S}{{0,3}}+)?"
            rf"(?P<pii>(?![x*]{{2}})(?=(?:[a-z\-]*+\d){{2}})[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){{3,63}}+"
            rf"(?:{_S}\d[\d\-]{{2,}}+)*+)(?![a-z0-9])",
        ),
    ),
    ("[ADDRESS]", _rx(_PO_BOX)),
    ("[ADDRESS]", _rx(_ROUTE)),
    ("[ADDRESS]", _rx(_STREET)),
    ("[ADDRESS]", _rx(_NO_SUFFIX)),
    ("[ADDRESS]", _rx(_LOWER_STREET)),
    ("[ADDRESS]", _rx(_CITY_STATE_ZIP)),
    # any remaining long digit run (not a dollar amount, decimal, or already masked).
    ("[NUMBER]", _rx(r"(?<![\d$.*Xx])\d{6,}+(?!\.\d)")),
    ("[NAME]", _names_by_cue),
    ("[NAME]", _names_by_dictionary),
]


# ----------------------------------------------------------------------------- driver


_NEEDS = {"[EMAIL]": "@", "[NAME]": "letter"}
_ANY_DIGIT = re.compile(r"\d")
_ANY_LETTER = re.compile(r"[A-Za-z]")


def _splice(s: str, spans: Iterable[tuple[int, int, str]]) -> str:
    parts, pos = [], 0
    for a, b, code in spans:
        parts.append(s[pos:a])
        parts.append(code)
        pos = b
    parts.append(s[pos:])
    return "".join(parts)


def redact(text: str | None) -> str:
    """`text` with every SSN, card, account and phone number, e-mail, date of birth,
    street address and personal name replaced by a placeholder. Idempotent."""
    if not text:
        return text or ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if _RESERVED.search(text):
        text = _RESERVED.sub("\ufffd", text)
    orig = text
    work = _fold(orig)
    # placeholders already in the text ("[SSN]") become the same opaque character
    literal = [(m.start(), m.end(), _CODE[m.group()]) for m in _LITERAL.finditer(work)]
    if literal:
        orig, work = _splice(orig, literal), _splice(work, literal)
    # Each detector sees the placeholders placed before it as one opaque character, but
    # it did not see those placed after it: a later placeholder touching an earlier
    # detector's candidate ("[NAME]123 Main St") can change what that detector finds. Only
    # then, run the detectors again (at most _MAX_PASSES in all), so that the result is a
    # fixed point: redact(redact(x)) == redact(x).
    for _ in range(_MAX_PASSES):
        orig, work, placed = _pass(orig, work)
        if not placed or not _touching(work):
            break
    return orig.translate(_EXPAND)


_MAX_PASSES = 3
# a placeholder is "touching" when a neighbour is not whitespace or closing punctuation
_TOUCHING = re.compile(r"[\x0e-\x16](?![\s,;:!?\"\x0e-\x16]|\.(?!\S)|\Z)|(?<![\s,;:!?\"(\x0e-\x16])(?<!\A)[\x0e-\x16]")


def _touching(work: str) -> bool:
    return _TOUCHING.search(work) is not None


def _pass(orig: str, work: str) -> tuple[str, str, bool]:
    """Every detector once, in order; whether anything was replaced."""
    # every detector but e-mail and names needs a digit: skip them on text without one
    present = {"digit": _ANY_DIGIT.search(work) is not None, "@": "@" in work, "letter": _ANY_LETTER.search(work) is not None}
    placed = False
    for placeholder, detect in _DETECTORS:
        if not present[_NEEDS.get(placeholder, "digit")]:
            continue
        code = _CODE[placeholder]
        spans = [(a, b, code) for a, b in _merge(detect(work))]
        if spans:
            placed = True
            same = orig is work
            work = _splice(work, spans)
            orig = work if same else _splice(orig, spans)
    return orig, work, placed


    return orig.translate(_EXPAND)


def redact_obj(value: Any) -> Any:
    """Redact every string inside a JSON-like value (dicts, lists, tuples)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_obj(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_obj(v) for v in value]
    return value
