"""PII redactor benchmark: recall, false positives, speed, memory and linear growth.

    .venv/bin/python benchmarks/bench_redact.py                  # everything but names-dataset
    .venv/bin/python benchmarks/bench_redact.py --names-dataset  # also names-dataset (~2 GB, ~11 s)

1. recall: hand-written snippets, each with the PII strings that must be gone after
   redact(): names (after cues and bare first+last pairs), street addresses in several
   formats, and the other identifiers of the security review (SSN groupings, account ids
   with letters, Unicode dashes, full-width digits, international phones).
2. false positives: sentences that hold no PII (creditor, collector and bureau names,
   month names, statute names, amounts, years, masked numbers) must come back unchanged,
   and the knowledge base (knowledge_base/*.md, 1,200+ lines of credit-repair prose) is
   redacted line by line: every [NAME] / [ADDRESS] placed there is counted.
3. the candidates, each scored on 1 and 2 with the same cue rules and regexes:
   names: cues only | cues + Census 2000 lists shipped by probablepeople (the choice) |
   cues + Census 1990 lists of the `names` package | cues + probablepeople's CRF tagging
   each capitalised run | cues + nameparser on each capitalised run | cues + names-dataset
   (--names-dataset);
   addresses: regexes (the choice) | regexes + usaddress CRF (a house number followed by
   words usaddress parses as a street with a suffix, or a city + state/ZIP).
   Candidates whose package is not installed are skipped.
4. speed: µs per 1,000 characters over the knowledge base and over the snippets; the
   one-off cost (time, resident memory) of loading each name lexicon, in a fresh
   interpreter.
5. linear growth: redact() on adversarial inputs of 5,000 and 20,000 characters (long
   runs of letters, digits, "a@", "a.", "1,", "ssn ", "Account ", "123 Main ", "+1 ",
   capitalised words, a mix, each ending in " 1 @" so that no detector is skipped); the
   ratio of the times should be about 4 (quadratic: 16).
"""

from __future__ import annotations

import argparse
import functools
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from creditai.service import redact as R  # noqa: E402

# (text, PII strings that must be gone)
NAMES: list[tuple[str, list[str]]] = [
    ("My name is Jane Doe and I dispute this account.", ["Jane Doe"]),
    ("my full name is Tran Nguyen", ["Tran Nguyen"]),
    ("Sincerely, Maria Lopez", ["Maria Lopez"]),
    ("Name: JOHN Q PUBLIC", ["JOHN", "PUBLIC"]),
    ("I, Jane Doe, certify that the information is true.", ["Jane Doe"]),
    ("Respectfully,\nKwame Mensah\n", ["Kwame Mensah"]),
    ("Signed: Robert E. Lee Jr.", ["Robert E. Lee"]),
    ("I am writing on behalf of Dolores Okafor, my mother.", ["Dolores Okafor"]),
    ("Please direct questions to Mrs. Aiko Nakamura.", ["Aiko Nakamura"]),
    ("Dr. Rajesh Kumar treated me in 2019.", ["Rajesh Kumar"]),
    ("Borrower: Siobhan O'Neill", ["Siobhan O'Neill"]),
    ("Co-borrower - Li Wei", ["Li Wei"]),
    ("Best regards, Ahmed Hassan", ["Ahmed Hassan"]),
    ("This is Linda Nguyen calling about my file.", ["Linda Nguyen"]),
    ("Dear Kevin, thank you.", ["Kevin"]),
    ("John Smith opened the card in my name.", ["John Smith"]),
    ("The account belongs to Maria Garcia-Lopez, not me.", ["Maria Garcia-Lopez"]),
    ("JAMES R WILLIAMS is listed as the authorized user", ["JAMES R WILLIAMS"]),
    ("Ask for Michael Johnson in the fraud department.", ["Michael Johnson"]),
    ("Patricia Kowalski co-signed the loan.", ["Patricia Kowalski"]),
    ("Kevin O'Brien was the loan officer.", ["Kevin O'Brien"]),
    ("the collector called Jose Hernandez at work", ["Jose Hernandez"]),
    ("Emily Chen and I share the account.", ["Emily Chen"]),
    ("Priya Patel opened it without my consent.", ["Priya Patel"]),
    ("Wei Zhang is my husband.", ["Wei Zhang"]),
    ("David Okonkwo never had an account there.", ["David Okonkwo"]),
    ("Sarah Adeyemi is not the borrower.", ["Sarah Adeyemi"]),
    ("Michael Yilmaz lives with me.", ["Michael Yilmaz"]),
    ("The card was opened by Susan Nguyen.", ["Susan Nguyen"]),
    ("Contact Robert Nakamura about the lease.", ["Robert Nakamura"]),
    ("my name is tran nguyen", ["tran nguyen"]),
]
ADDRESSES: list[tuple[str, list[str]]] = [
    ("I live at 123 Main Street.", ["123 Main Street"]),
    ("4521 N Oak Park Ave Apt 3B, Springfield, IL 62704", ["4521 N Oak Park", "Apt 3B", "62704"]),
    ("Mail it to PO Box 77.", ["Box 77"]),
    ("1600 Pennsylvania Avenue NW, Washington, DC 20500", ["1600 Pennsylvania", "20500"]),
    ("moved to 99 elm street last year", ["99 elm street"]),
    ("My old address was 742 Evergreen Terrace, Springfield.", ["742 Evergreen"]),
    ("221B Baker Street", ["221B Baker"]),
    ("100 Main St., Suite 200, Austin, TX 78701", ["100 Main", "78701"]),
    ("Send it to P.O. Box 740241, Atlanta, GA 30374-0241", ["740241", "30374"]),
    ("RR 2 Box 15, Hollow Rock, TN 38342", ["RR 2 Box 15", "38342"]),
    ("500 W. Madison St. Chicago, IL 60661", ["500 W. Madison", "60661"]),
    ("2100 County Road 45, Lebanon, OH", ["2100 County Road 45"]),
    ("4500 Highway 61 South", ["4500 Highway 61"]),
    ("350 5th Ave, New York, NY 10118", ["350 5th", "10118"]),
    ("12-14 Elm Court", ["12-14 Elm"]),
    ("123 Broadway, New York, NY 10006", ["123 Broadway", "10006"]),
    ("Apt 4B, 350 W 42nd St, New York, NY 10036", ["350 W 42nd", "10036"]),
    ("my address is 8 Martin Luther King Jr Blvd", ["8 Martin Luther King"]),
    ("The letter went to 55 Water St in New York", ["55 Water St"]),
    ("Springfield, IL 62704", ["62704"]),
    ("I moved to 77 Sunset Strip in 2020", ["77 Sunset Strip"]),
    ("Ship to 10 Rockefeller Plaza", ["10 Rockefeller"]),
    ("3501 Jack Northrop Ave, Hawthorne, CA 90250", ["3501 Jack Northrop", "90250"]),
    ("Post Office Box 1234, Dallas, TX 75201", ["1234", "75201"]),
    ("our home at 1234 Maple Drive #5", ["1234 Maple Drive"]),
    ("W61 N29 Cedar Creek Rd, Cedarburg, WI 53012", ["Cedar Creek", "53012"]),
]
# the other identifiers named by the security review
REVIEW: list[tuple[str, list[str]]] = [
    ("ssn 123 - 45 - 6789", ["123", "6789"]),
    ("SSN: 123 456 789", ["123 456 789"]),
    ("acct AB12CD34EF", ["AB12CD34EF"]),
    ("Account ID: XK-99812-B", ["XK-99812-B", "99812"]),
    ("SSN 123\u201045\u20136789", ["6789"]),
    ("ssn 123\u221245\u22126789", ["6789"]),
    ("SSN \uff11\uff12\uff13\uff0d\uff14\uff15\uff0d\uff16\uff17\uff18\uff19", ["\uff16\uff17\uff18\uff19"]),
    ("call +44 20 7946 0958", ["7946 0958"]),
    ("call +52 55 1234 5678", ["1234 5678"]),
    ("call +1-800-555-0199", ["555-0199"]),
    ("call 0044 20 7946 0958", ["7946 0958"]),
    ("card 4111\u20131111\u20131111\u20131111", ["4111"]),
    ("email jane.doe@example.com", ["jane.doe@example.com"]),
    ("DOB: 01/02/1980", ["01/02/1980"]),
]
CLEAN = [
    "Capital One reported the account 30 days late in March 2021.",
    "Wells Fargo closed the card and Chase reopened it.",
    "Portfolio Recovery Associates bought the debt from Synchrony Bank.",
    "Midland Credit Management sent a collection letter in June.",
    "Under the Fair Credit Reporting Act, Experian must reinvestigate within 30 days.",
    "The Fair Debt Collection Practices Act limits what LVNV Funding can do.",
    "The Equal Credit Opportunity Act and the Truth in Lending Act also apply.",
    "File a complaint with the Consumer Financial Protection Bureau or the Federal Trade Commission.",
    "Dear Experian, please investigate the following items.",
    "Dear Sir or Madam, I am writing to dispute an item.",
    "To Whom It May Concern: this account is not mine.",
    "Jefferson Capital Systems and Hunter Warfield both report the same debt.",
    "Credit One Bank and Navy Federal Credit Union pulled my report.",
    "Sallie Mae transferred the loan to Navient in 2014.",
    "JPMorgan Chase and Goldman Sachs issue cards too.",
    "Lane Bryant and Victoria's Secret cards are serviced by Comenity Bank.",
    "Mr. Cooper is my mortgage servicer, Rocket Mortgage was the lender.",
    "Ally Financial repossessed the car; Santander Consumer USA sold the deficiency.",
    "American Express and Discover report on the 15th of each month.",
    "Section 609 and 15 U.S.C. 1681i give you the right to dispute.",
    "In April 2020 I paid $1,234.56 toward the balance.",
    "May 2019 was the date of first delinquency.",
    "Will Chase remove the late payment if I ask for goodwill?",
    "Mark the account as disputed by the consumer.",
    "The grace period ends on June 15, 2020.",
    "Metro 2 format requires the date of first delinquency.",
    "The balance is $1,234.56, reported in 2019 and charged off on 03/15/2019",
    "A $150000 judgment at 29.9% APR",
    "account XXXX1234 and card ending ****5678",
    "3 accounts were reported 2 times in 7 years",
    "PAID AS AGREED. CHARGED OFF. CLOSED BY CREDIT GRANTOR.",
    "CAPITAL ONE BANK USA NA reported a balance of $2,310.",
    "MIDLAND CREDIT MGMT INC opened a collection in 2021.",
    "Jackson County Court entered a judgment in 2018.",
    "I moved from Dallas, Texas to Denver last year.",
    "TransUnion and Equifax both show the inquiry from Lending Club.",
    "The Office of the Comptroller of the Currency regulates national banks.",
    "Great Lakes and Nelnet service federal student loans.",
    "My FICO score dropped 40 points after the hard inquiry.",
    "OneMain Financial and Mariner Finance offer personal loans.",
    "Merrick Bank, Barclays and Citibank all report monthly.",
    "The Supreme Court decided TransUnion LLC v. Ramirez in 2021.",
    "Bank of America, U.S. Bank and PNC Bank offer secured cards.",
    "Kohl's, Macy's and Target store cards report to all three bureaus.",
    "Freedom Mortgage and Fannie Mae guidelines differ.",
]

ADVERSARIAL = {
    "letters": "a",
    "digits": "1",
    "a@": "a@",
    "a.": "a.",
    "1,": "1,",
    "ssn ": "ssn ",
    "Account ": "Account ",
    "123 Main ": "123 Main ",
    "+1 ": "+1 ",
    "Aaa ": "Aaa ",
    "1.5": "1" * 50 + ".5 ",
    "x@y.": "x@y.",
    "A. ": "A. ",
    "dob ": "dob ",
    "00": "00",
    "(555) ": "(555) ",
    "My name is ": "My name is ",
    "Name: ": "Name: ",
    "PO Box ": "PO Box ",
    "mixed": "Jane a@b. 1, ssn 123-45 +1 Account AB1 123 Main Ave Name: X ",
}


def _score(cases: list[tuple[str, list[str]]]) -> tuple[int, list[str]]:
    missed = []
    for text, secrets in cases:
        out = R.redact(text)
        if any(s in out for s in secrets):
            missed.append(f"{text!r} -> {R.redact(text)!r}")
    return len(cases) - len(missed), missed


def _kb_lines() -> list[str]:
    lines = []
    for path in sorted((REPO / "knowledge_base").glob("*.md")):
        lines += [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines


def _kb_false_positives(lines: list[str]) -> tuple[int, int, list[str]]:
    names = addresses = 0
    examples = []
    for ln in lines:
        out = R.redact(ln)
        n, a = out.count("[NAME]") - ln.count("[NAME]"), out.count("[ADDRESS]") - ln.count("[ADDRESS]")
        if n or a:
            names, addresses = names + n, addresses + a
            examples.append(out[:160])
    return names, addresses, examples


# ----------------------------------------------------------------------------- candidates


@functools.cache
def _census1990() -> tuple[frozenset[str], frozenset[str]]:
    import importlib.resources

    root = importlib.resources.files("names")

    def read(name: str) -> set[str]:
        return {ln.split()[0] for ln in (root / name).read_text().splitlines() if ln.strip()}

    return frozenset(read("dist.male.first") | read("dist.female.first")), frozenset(read("dist.all.last"))


@functools.cache
def _names_dataset() -> tuple[frozenset[str], frozenset[str]]:
    from names_dataset import NameDataset

    nd = NameDataset()
    # names ranked in the US (the dataset holds 106 countries; all of them would match everything)
    first = frozenset(k.upper() for k, v in nd.first_names.items() if "US" in (v.get("rank") or {}))
    last = frozenset(k.upper() for k, v in nd.last_names.items() if "US" in (v.get("rank") or {}))
    return first, last


def _pp_crf_names(text: str) -> Iterator[tuple[int, int]]:
    """probablepeople's CRF on every capitalised run: a Person with a given name and a surname."""
    import probablepeople

    for run in R._NAME_RUN.finditer(text):
        try:
            tagged, kind = probablepeople.tag(run.group())
        except probablepeople.RepeatedLabelError:
            continue
        if kind == "Person" and "GivenName" in tagged and "Surname" in tagged:
            yield run.span()


def _nameparser_names(text: str) -> Iterator[tuple[int, int]]:
    """nameparser on every capitalised run: kept when it parses into a first and a last name."""
    from nameparser import HumanName

    for run in R._NAME_RUN.finditer(text):
        name = HumanName(run.group())
        if name.first and name.last:
            yield run.span()


_USADDR_KEEP = {
    "AddressNumber", "AddressNumberPrefix", "AddressNumberSuffix", "StreetNamePreDirectional",
    "StreetNamePreModifier", "StreetNamePreType", "StreetName", "StreetNamePostType",
    "StreetNamePostDirectional", "StreetNamePostModifier", "OccupancyType", "OccupancyIdentifier",
    "SubaddressType", "SubaddressIdentifier", "PlaceName", "StateName", "ZipCode", "USPSBoxType",
    "USPSBoxID", "USPSBoxGroupType", "USPSBoxGroupID",
}  # fmt: skip
_USADDR_START = re.compile(r"(?<![\w$.#/\-])\d{1,6}+[A-Za-z]?[ \t]+(?=[A-Z0-9])")


def _usaddress_streets(text: str) -> Iterator[tuple[int, int]]:
    """A house number, then the longest prefix of the next 12 words that usaddress tags as an
    address, kept when it holds a street suffix, or a place with a state or ZIP."""
    import usaddress

    for m in _USADDR_START.finditer(text):
        line_end = text.find("\n", m.start())
        window = text[m.start() : min(len(text), m.start() + 120, line_end if line_end >= 0 else len(text))]
        tokens = usaddress.parse(window)[:12]
        labels, pos, end = set(), 0, None
        for token, label in tokens:
            at = window.find(token, pos)
            if label not in _USADDR_KEEP or at < 0:
                break
            labels.add(label)
            pos = at + len(token)
            end = pos
            if token.endswith((".", ";")) and label in ("ZipCode", "StreetNamePostType", "PlaceName"):
                break
        if end is None:
            continue
        if "StreetNamePostType" in labels or ("PlaceName" in labels and labels & {"StateName", "ZipCode"}):
            yield m.start(), m.start() + len(window[:end].rstrip(",; "))


def _with(name_detector: Callable | None = None, lexicon: Callable | None = None, address_extra=None):
    """A context manager that swaps the name lexicon / detectors of the redactor."""

    class Swap:
        def __enter__(self):
            self.detectors, self.lexicon = list(R._DETECTORS), R._lexicon
            if lexicon is not None:
                R._lexicon = lexicon
            if name_detector is not None:
                R._DETECTORS[:] = [
                    (ph, name_detector if d is R._names_by_dictionary else d) for ph, d in R._DETECTORS
                ]
            if address_extra is not None:
                i = max(i for i, (ph, _) in enumerate(R._DETECTORS) if ph == "[ADDRESS]")
                R._DETECTORS.insert(i + 1, ("[ADDRESS]", address_extra))

        def __exit__(self, *exc):
            R._DETECTORS[:] = self.detectors
            R._lexicon = self.lexicon

    return Swap()


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _us_per_kchar(texts: list[str], repeat: int = 3) -> float:
    chars = sum(len(t) for t in texts)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            R.redact(t)
        best = min(best, time.perf_counter() - t0)
    return best / chars * 1000 * 1e6


def _load_cost(code: str, setup: str = "import creditai.service.redact as R") -> str:
    """Milliseconds, resident MB kept and peak resident MB that `code` adds in a fresh
    interpreter after `setup`."""
    probe = (
        "import sys,time;sys.path.insert(0,%r);sys.path.insert(0,%r)\n"
        "def rss():\n return int(open('/proc/self/statm').read().split()[1])*4096/2**20\n"
        "def peak():\n return int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])/1024\n"
        "%s\nm0=rss();p0=peak();t=time.perf_counter()\n%s\n"
        "print(time.perf_counter()-t, rss()-m0, max(0, peak()-p0))"
    ) % (str(REPO / "src"), str(REPO / "benchmarks"), setup, code)
    try:
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True)
        secs, mb, peak = out.stdout.split()[-3:]
        return f"{float(secs) * 1000:7.0f} ms {float(mb):7.1f} MB kept {float(peak):7.1f} MB peak"
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not fail
        return f"unavailable ({type(exc).__name__})"


def _growth(reps: int = 5) -> list[tuple[str, float, float]]:
    rows = []
    for label, unit in ADVERSARIAL.items():
        times = []
        for n in (5000, 20000):  # a digit and an "@" at the end, so that every detector runs
            text = (unit * (n // len(unit) + 1))[:n] + " 1 @"
            best = float("inf")
            for _ in range(reps):
                t0 = time.perf_counter()
                R.redact(text)
                best = min(best, time.perf_counter() - t0)
            times.append(best)
        rows.append((label, times[0], times[1]))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--names-dataset", action="store_true", help="also score names-dataset (~2 GB RAM)")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()

    R.redact("warm up: Jane Doe")
    kb = _kb_lines()
    candidates: list[tuple[str, object]] = [
        ("names: cues only", _with(lexicon=lambda: (frozenset(), frozenset()))),
        ("names: cues + Census 2000 (probablepeople) *", _with()),
    ]
    if _installed("names"):
        candidates.append(("names: cues + Census 1990 (names pkg)", _with(lexicon=_census1990)))
    if _installed("probablepeople"):
        candidates.append(("names: cues + probablepeople CRF", _with(name_detector=_pp_crf_names)))
    if _installed("nameparser"):
        candidates.append(("names: cues + nameparser", _with(name_detector=_nameparser_names)))
    if args.names_dataset and _installed("names_dataset"):
        candidates.append(("names: cues + names-dataset (US)", _with(lexicon=_names_dataset)))
    if _installed("usaddress"):
        candidates.append(("addresses: regexes + usaddress CRF", _with(address_extra=_usaddress_streets)))

    print(f"{len(NAMES)} name, {len(ADDRESSES)} address, {len(REVIEW)} review snippets; "
          f"{len(CLEAN)} clean sentences; {len(kb)} knowledge-base lines ({sum(map(len, kb))} chars)")  # fmt: skip
    header = f"{'candidate':46} {'names':>7} {'addr':>7} {'review':>7} {'FP':>6} {'KB [NAME]/[ADDR]':>17} {'us/1k chars':>12}"
    print(header)
    print("-" * len(header))
    for label, swap in candidates:
        with swap:
            n_ok, n_miss = _score(NAMES)
            a_ok, a_miss = _score(ADDRESSES)
            r_ok, r_miss = _score(REVIEW)
            fps = [(s, R.redact(s)) for s in CLEAN if R.redact(s) != s]
            kb_n, kb_a, kb_ex = _kb_false_positives(kb)
            speed = _us_per_kchar(kb, repeat=2)
        print(
            f"{label:46} {n_ok / len(NAMES):7.1%} {a_ok / len(ADDRESSES):7.1%} {r_ok / len(REVIEW):7.1%}"
            f" {len(fps) / len(CLEAN):6.1%} {kb_n:>8}/{kb_a:<8} {speed:12.0f}"
        )
        if args.show_misses:
            for m in n_miss + a_miss + r_miss:
                print("     missed:", m)
            for s, out in fps:
                print("     false positive:", repr(s), "->", repr(out))
            for ex in kb_ex:
                print("     KB:", ex)
    print("* the choice in src/creditai/service/redact.py")
    print(f"speed of the choice on the snippets: {_us_per_kchar([t for t, _ in NAMES + ADDRESSES + REVIEW] + CLEAN):.0f} µs per 1,000 chars")

    print("\none-off load cost in a fresh interpreter (time, resident memory kept, peak growth):")
    print(f"  {'import creditai.service.redact':40} {_load_cost('import creditai.service.redact', setup='import creditai.service')}")
    print(f"  {'Census 2000 via probablepeople (choice)':40} {_load_cost('R._lexicon()')}")
    if _installed("names"):
        print(f"  {'Census 1990 via names':40} {_load_cost('B._census1990()', setup='import bench_redact as B')}")
    if _installed("usaddress"):
        print(f"  {'usaddress (model + first parse)':40} {_load_cost('import usaddress; usaddress.parse(chr(49))')}")
    if args.names_dataset and _installed("names_dataset"):
        print(f"  {'names-dataset':40} {_load_cost('B._names_dataset()', setup='import bench_redact as B')}")

    print("\nlinear growth: best of 5, 5,000 vs 20,000 chars (linear: x4, quadratic: x16)")
    worst = 0.0
    for label, t5, t20 in _growth():
        ratio = t20 / t5
        worst = max(worst, ratio)
        print(f"  {label!r:14} {t5 * 1000:8.2f} ms {t20 * 1000:8.2f} ms  x{ratio:4.1f}")
    print(f"  worst ratio x{worst:.1f} ({'linear' if worst <= 6 else 'SUPERLINEAR'})")


if __name__ == "__main__":
    main()
