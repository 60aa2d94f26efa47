"""Compliance guard: screen requests before answering and check answers before returning them.

Two checks, both rule tables of regular expressions (no library covers this domain):

* `screen_request(text)` decides whether a request asks the assistant to *do* something the
  policy forbids (eligibility-policy.md, last section; CROA 15 U.S.C. 1679b) or tries to
  override its instructions (prompt injection). A question that only asks *about* such a
  thing ("is a CPN legal?", "my friend says file segregation works, is that legit?") is
  education and is allowed: refusing it would withhold exactly the warning the consumer needs.
* `check_answer(text, fallback=...)` looks for forbidden content in an answer (guarantees,
  advice to misstate facts, identity schemes, legal threats) and for the required structure
  (the five sections and the disclaimer). Structure problems are repaired; forbidden content,
  or an answer with too little structure to repair, is replaced by a safe composed answer.

How a request is judged: a *topic* pattern says which prohibited thing the text is about; an
*operational* cue says the user wants it done ("help me", "write", "set me up", "how do I");
an *education* cue says the user is asking about it ("is that legal?", "someone told me").
Topic + strong operational cue -> refused; topic + weak cue and no education cue -> refused;
otherwise allowed (education about the topic, reported in `about`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

from creditai.data.policy import RULE_CATEGORY
from creditai.textnorm import canonical, readings

log = logging.getLogger(__name__)

SECTIONS: tuple[str, ...] = ("SUMMARY", "ANALYSIS", "ELIGIBILITY STATUS", "RECOMMENDED ACTION", "NEXT STEPS")
"""Same order as composer.SECTIONS (kept here so the guard imports nothing heavy)."""

_F = re.IGNORECASE | re.MULTILINE


def _rx(*patterns: Any) -> list[Any]:
    return [_pattern(p) for p in patterns]


def _pattern(p: Any) -> Any:
    """A regex source compiled; an `_All`, `_Unless` or `_Without` (anything with `search`) as is."""
    return re.compile(p, _F) if isinstance(p, str) else p


class _Without:
    """`pattern` matched in the text with the spans of `drop` blanked out first: a local
    exemption ("none of these are mine" is no admission, "thanks in advance" no fee), where an
    exemption anywhere in the text (`_Unless`) could be added by an attacker. Linear."""

    def __init__(self, pattern: Any, drop: str):
        self.pattern, self.drop = _pattern(pattern), re.compile(drop, _F)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(self.drop.sub(lambda m: " " * len(m.group(0)), text))


class _Unless:
    """`pattern` matches and `unless` matches nowhere in the text (linear scans, no lookahead)."""

    def __init__(self, pattern: Any, unless: str):
        self.pattern, self.unless = _pattern(pattern), re.compile(unless, _F)

    def search(self, text: str) -> re.Match[str] | None:
        m = self.pattern.search(text)
        return None if m is None or self.unless.search(text) else m


class _All:
    """Every part matches somewhere in the text; `search` returns the last part's match.

    Replaces the `(?=[\s\S]*A)[\s\S]*B` lookahead these tables used: with `.search()` that
    form retries from every start position and scans to the end each time (quadratic: 10 s on
    8,000 characters of prose). Each part here is one linear scan."""

    def __init__(self, *parts: Any):
        self.parts = tuple(_pattern(p) for p in parts)

    def search(self, text: str) -> re.Match[str] | None:
        m = None
        for part in self.parts:
            m = part.search(text)
            if m is None:
                return None
        return m


# --------------------------------------------------------------------------------------------
# Request screening tables
# --------------------------------------------------------------------------------------------

# Prompt injection: refused whatever the framing (these never occur in an honest credit question).
INJECTION = _rx(
    # "ignore your rules and previous instructions" (not the user's own "ignore my earlier
    # instructions about the font", unless a rule word follows in the sentence)
    r"\b(ignore|disregard|forget)\b(?! (my|our) ((earlier|previous|last|first|other|old) )?(instructions?|messages?|"
    r"questions?|requests?)\b(?![^.!?\n]{0,60}\b(rules|guidelines|polic(y|ies)|prompt|restrictions|guardrails|safety|"
    r"compliance)\b))[\w\s,']{0,40}\b(rules|instructions|guidelines|polic(y|ies)|prompt|restrictions|guardrails|safety|"
    r"compliance)\b",
    r"\b(bypass|override)\b[\w\s,']{0,40}\b(rules|instructions|guidelines|polic(y|ies)|prompt|restrictions|guardrails|"
    r"safety|compliance)\b",
    r"\byou are now\b(?!\s+(?:in|on|past|behind|late|over|current|responsible)\b)",  # "you are now DAN / an unrestricted ..."
    r"\bfrom now on,? you\b",                                         # role reassignment
    r"\bdo anything now\b|\bDAN\b(?=[\s,.:!])",                       # the "DAN" jailbreak
    # forged system or developer roles at a line start (not "Assistant:": consumers paste their
    # earlier conversations; the topic rules read those lines unless they decline, see
    # _ASSISTANT_LINE, and the screener reads everything)
    r"^[^\S\n]*(system|developer)[^\S\n]*:",
    r"\bdeveloper mode\b|\bjailbr(eak|oken)\b|\bgod mode\b",
    r"\bcompliance (is )?(off|disabled)\b|\b(safety|filters?) (is |are )?(off|disabled)\b",
    r"</?\s*(policy|system|instructions?|rules)\s*>",                 # fake markup closing the system prompt
    r"\bnew (policy|instructions?|rules|system prompt)\s*:",
    r"\b(unrestricted|unfiltered|uncensored) (assistant|mode|ai|model|version)\b",
    r"<\|im_(start|end)\|>|\[/?INST\]",                               # raw chat-template tokens
    r"\b(reveal|print|show|repeat) (me )?(your|the) (system )?(prompt|instructions)\b",
    r"\bpretend (that )?(you have no|there are no) (rules|restrictions|limits)\b",
)

# Topic patterns: what prohibited thing the text is about (order = priority of the category).
TOPICS: dict[str, list[Any]] = {
    # Telling a bureau, creditor or police something false (CROA 1679b(a)(1)).
    "false_statement": _rx(
        r"\b(fake|false|fabricat\w*|made[- ]up|make up|forge\w*|phony|bogus)\b[\w\s']{0,30}"
        r"\b(report|letter|statement|document|police|identity theft|proof|receipt|records?|paystubs?)\b",
        r"\b(police|identity theft|ftc|fraud) (report|affidavit)\b[\s\S]{0,120}\b(nobody|no one|wasn'?t really|not really|"
        r"they'?re my|i signed|(is|are) (really |actually )?mine|never happened)\b",
        # "tell the bureau I never opened it (I did)": the parenthetical admits the claim is false
        r"\b(tell|telling|say|saying|claim|claiming)\b[^.?!\n]{0,80}\bnever\b[^.?!\n]{0,60}\((i did|i was|it is|it'?s mine|they are)\)",
        r"\b(saying|claiming|say|claim) (that )?i\b[\s\S]{0,100}\b(i wasn'?t|i was not|i didn'?t|that'?s not true|"
        r"even though i (did|was))\b",
        r"\b(lie|lying) to (the )?(bureaus?|creditors?|collectors?|lenders?|police|ftc)\b",
    ),
    # Disputing accurate information as inaccurate (CROA 1679b(a)(1)): an admission that the
    # item is accurate *and* a request to call it wrong / not mine / never late.
    "dispute_accurate": _rx(
        # an admission ("none of these are mine" is a not-mine claim, not one) and a call to say it is wrong
        _All(_Without(r"\b(it'?s mine|it is mine|is mine\b|are mine\b|i (know|admit) (i|it)|i (do |did )?owe (it|this|them|the)|"
             r"i was (really |actually )?late|for real|(is|are|it'?s|they'?re) (all )?(accurate|correct|legit|valid|true)\b|"
             r"even though (i|it|they) (did|do|is|was|are|were|opened|signed|owe|used|made)|i did open|they'?re my|"
             r"my (accurate|legit|valid|real) \w+|(it'?s|it is|they'?re|they are) (really |actually )?(my|mine)\b[^.?!]{0,20}"
             r"\b(though|tho|btw|anyway))",
                      r"\bnone of (these|them|those|it|the|my)\b[^.?!\n]{0,40}?\b(is|are) mine\b"),
             r"\b(say|saying|claim|claiming|tell|telling|dispute|disputing|report|write)\b[^.?!\n]{0,80}"
             r"\b(not (mine|my account|my debt|yours)|isn'?t (mine|my)|never (had|late|opened|mine|was|been)|wasn'?t late|"
             r"(?<!of )inaccurate|not accurate|incorrect|fraud|identity theft|wrong|an error)\b"),
        r"\bdispute (it|them|everything|all( of it)?)\b[\s\S]{0,40}\b(anyway|regardless|until (something|it|they) "
        r"(falls?|comes?|drops?))",                                    # "dispute it as never late anyway"
    ),
    # CPN / credit privacy number / new SSN (CROA 1679b(a)(2): altering identity).
    "cpn": _rx(
        r"\bcpns?\b|\bcredit (privacy|profile) numbers?\b|\bsecondary (credit|ssn) numbers?\b",
        # a new SSN, unless the Social Security Administration issues it (it does, for ongoing misuse or abuse)
        _Unless(r"\b(brand[- ]new|new|second|another|different|clean) (ssn|social security number|social)\b(?! security card)",
                r"\b(social security administration|ssa)\b (gave|issued|assigned|approved|granted)\b|"
                r"\b(letter|application|request) to the (social security administration|ssa)\b"),
    ),
    # A new credit identity: EIN/tax id used as an SSN, altered name/DOB.
    "new_identity": _rx(
        r"\bnew (credit )?identity\b|\bnew (name|dob|date of birth)\b",
        r"\b(different|fake|new) (birth ?(year|date)|dob|date of birth)\b|\bchange my name slightly\b",
        r"\b(ein|tax id|itin)\b[\s\S]{0,80}\b(instead of|in place of|rather than|personal tax id)\b",
        r"\bnew clean credit profile\b",
    ),
    # "File segregation": a second credit file to hide the real one.
    "file_segregation": _rx(
        r"\bfile segregation\b|\bsegregat\w* (my |your )?(credit )?file\b",
        r"\bseparate (my |your )?credit (file|profile)\b",
        r"\b(second|new|fresh|separate|clean) credit (file|profile)\b",
        r"\bbureaus? (to )?(open|start|create) a (new|fresh|second) (file|profile)\b",
    ),
    # Misleading advertising for a credit-repair business (CROA 1679b(a)(3)).
    "misleading_claims": _rx(
        _All(r"\b(guarantee\w*|promis\w*|remove (all|any|every)|100 ?%|delet\w*|erase\w*|approved by|\d+\+? ?points?|"
             r"loophole|legally remove|money back)",
             r"\b(ads?|advert\w*|website copy|copy for|flyers?|captions?|slogans?|marketing|landing page|brochures?|"
             r"commercials?|tagline|sales (pitch|script)|promo\w*)\b"),
    ),
    # Advance fees / skipping the cancellation right (CROA 1679b(b), 1679e).
    "advance_fee": _rx(
        # (not a consumer asking for the advance fee back: "demand a refund, they charged me $450 upfront")
        _Unless(_Without(_All(r"\b(fee|fees|charg\w*|pay|paid|payment|retainer|bill\w*)|\$\s?\d+",
                              r"\b(upfront|up front|up-front|in advance|advance fee|before (we|any|doing|the work|work|"
                              r"services?|pulling|anything)|retainer|set-?up fee|the day they sign|on the first call|"
                              r"first month)\b"),
                         r"\b(thanks|thank you)( so much)? in advance\b"),
                r"\b(ask\w*|request\w*|demand\w*|get|want|owed|claim\w*) (for )?(a |my |the |full |a full )?refund\b|"
                r"\b(get|want) my money back\b"),
        # in Spanish, the business side: "cobrarles $500 por adelantado, antes de empezar" (text is
        # read without accents: textnorm)
        _Unless(_All(r"\b(cobr(ar|arles|arle|amos|a|o|e|en)|honorarios|tarifas?)\b",
                     r"\b(por adelantado|adelantad[oa]s?|por anticipado|anticipad[oa]s?|antes de (empezar|hacer|"
                     r"comenzar|iniciar|trabajar|cualquier trabajo|que (empiece|empecemos|hagamos|hagan|se haga)))\b"),
                r"\b(reembolso|devuelvan|devolucion|me cobr(o|aron))\b"),
        r"\bskip the (3|three)[- ]day\b|\b(cancel(lation)?) (thing|period|right)\b[\s\S]{0,30}\b(skip|avoid|get around|waive)",
    ),
    # Threatening legal action on the consumer's behalf / posing as their lawyer.
    "legal_threat": _rx(
        r"\b(threat\w*|intent to sue|we will sue|we'?ll sue|i will sue|i'?ll sue|make it scary|or else)\b[\s\S]{0,120}"
        r"\b(sue|suing|lawsuit|class action|legal action|court|criminal charges|attorney|litigation)\b",
        r"\b(sue|suing|lawsuit|class action|legal action|court|criminal charges)\b[\s\S]{0,80}\b(threat\w*|make it scary)\b",
        r"\b(as|sign it as|pretend you'?re|act as) (my|their|the) (attorney|lawyer|legal (representative|counsel|department))\b",
        r"\bnotice of intent to sue\b|\bwe will sue\b|\blegal department\b",
        r"\b(say|saying|says|tell|telling|warn\w*)\b[^.?!]{0,40}\b(i|we)('ll| will| am going to| are going to) "
        r"(sue|take (them|you|it) to court)",
        r"\b(tell|warn|telling)\b[\w\s']{0,30}\b(my|our) (lawyer|attorney)s? (will|is going to|'?ll)\b",
    ),
    # Demanding a guarantee of an outcome (CROA 1679b(a)(3)).
    "guarantee": _rx(
        _All(r"\b(delet|remov|come off|comes off|score|points|erase|clean|fix|fall off)\w*",
             r"\b(guarantee\w*|promise\w*|100 ?%|commit to (that|the|a|this|it))\b"),
    ),
}

# Strong operational cues: the user tells the assistant to do it.
_IMPERATIVE_VERBS = (r"write|draft|create|make|generate|give|send|set|walk|help|show|build|fill|sign|commit|promise|sell|buy|order|"
                     r"guarantee|put|find|get|pretend|begin|start|apply|dispute|file|tell the|tell experian|tell equifax|"
                     r"tell transunion|tell them")
OP_STRONG = _rx(
    rf"(^|[.!?:;\n]\s{{0,4}}|\b(please|pls|now|but|also|ok|okay)\s{{1,4}})({_IMPERATIVE_VERBS})\b",   # sentence-initial imperative
    r"\b(can|could|would|will) (you|u) (please |just )?(write|draft|create|make|generate|give|send|set|walk|tell|help|"
    r"show|build|fill|sign|get|find|dispute|guarantee|promise|commit|sell|buy)\b",
    r"\bi (want|need) (you|u) to\b|,\s*(write|draft|generate|send|sign)\b",
    r"\bhelp me\b|\bset me up\b|\bwalk me through\b|\bset (it|this) up\b",
    r"\btell me (exactly |step by step )?(how|where|the steps|the best way)\b|\bstep[- ]by[- ]step\b",
    r"\bi need an? (guarantee|cpn|credit privacy|new|promise)\b|\bword it\b|\bput it in (my|the|writing)\b",
    # Spanish imperatives ("Redacta un contrato", "escríbeme la carta", "ayúdame a")
    # (the text is read without accents: textnorm)
    r"(^|[.!?:;\n¿¡]\s{0,4})(redact[ae]|escrib[ae]|escribe(me|le)|haz(me)?|hag(ame|alo)|prepar[ae]|ayud(ame|enos)|"
    r"dime como|mand[ae]|envia)\b",
)
# Weak operational cues: the user asks how to do it themselves.
OP_WEAK = _rx(
    r"\bhow (do|can|would|should|could) (i|we)\b",
    r"\bwhat'?s (the best|a|the) way\b|\b(best|good|easiest|fastest) way to\b|\bwhere (can|do) i (get|buy|find|obtain)\b",
    r"\bcan i (legally |just |still )?(make|create|get|use|build|start|open|buy|apply|skip|avoid|waive|charge|collect)\b",
    r"\bhow (do|can|would|should|could) (my|our) ([\w-]+ ){0,2}(business|company|firm|agency)\b",
    r"\bi (want|need|would like|'d like) to\b|\bi (want|need) (a|an|my)\b",
    r"\b(so (that )?i can|to) (get|start|have|open|build) (a |an |my )?(fresh|new|clean|second|separate)\b",
    r"\bfor my (credit repair )?(business|company|clients)\b",
    r"\b(quiero|queremos|necesito|necesitamos|me gustaria)\b|\bcomo (puedo|hago|podemos)\b",
)
# Education cues: the user asks about it (legality, truth, what it is, someone else's claim).
EDUCATION = _rx(
    r"\b(is|are|was|were|isn'?t)\b[\w\s'\"-]{0,50}\b(legal|illegal|legit|lawful|unlawful|allowed|permitted|a scam|real|"
    r"true|safe|ok|okay|a crime)\b[^.!\n]{0,200}\?",                          # "is that legal?" (a question)
    r"\b(if|whether)\b[\w\s'\"-]{0,50}\b(is|are)\b[\w\s'\"-]{0,30}\b(legal|illegal|legit|lawful|allowed|a scam)\b",
    r"\blegit or\b|\bor a scam\b|\bscams?\b",
    r"\bwhat (does|do) the law\b|\bwhat are my rights\b|\bwhat happens if\b|\bwhat (is|are) (a|an|the)?\s*"
    r"(cpn|file segregation|credit privacy|credit profile)",
    r"\b(someone|somebody|people|they|he|she|my \w+) (told|tells|says|said|say|claims?|recommended)\b",
    r"\bi (saw|heard|read)\b|\bshould i (trust|believe)\b|\bcan (they|a company|companies|a credit repair)\b",
    r"\b(es|son|seria|esta)\b[^.!\n]{0,50}\b(legal|ilegal|permitido|prohibido|una estafa)\b",
    r"\b(is|are) (a |an )?(cpns?|credit privacy numbers?) (the same|different|like)\b",  # "is a cpn the same as an ein?"
)


@dataclass
class RequestVerdict:
    """Whether to answer a request. When refused, `category` is the request category
    (data.policy.PROHIBITED), `source` says who decided ("rules" or "model"), `rule` the rule
    topic that matched (rules only) and `confidence` the model's P(prohibited) when it read it."""

    allowed: bool
    category: str | None = None
    reasons: list[str] = field(default_factory=list)
    about: str | None = None  # allowed question *about* a prohibited topic (education)
    rule: str | None = None
    source: str | None = None
    confidence: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _first(patterns: list[Any], text: str) -> re.Match[str] | None:
    for p in patterns:
        m = p.search(text)
        if m:
            return m
    return None


def _snippet(m: re.Match[str], limit: int = 60) -> str:
    s = " ".join(m.group(0).split())
    return s if len(s) <= limit else s[:limit] + "..."


SCREEN_WINDOW = 40_000
SCREEN_STEP = 30_000
"""Texts longer than SCREEN_WINDOW characters are screened in overlapping windows, so the cost
stays linear whatever the length; every input the service takes (8,000 characters for
/analyze, 20,000 at most) is judged whole, so an ask and its admission far apart in a long
pasted report are still read together."""


def screen_request(text: str, screener: Any = None) -> RequestVerdict:
    """Refuse prohibited asks and prompt injection; allow questions about prohibited topics.

    The rules decide first (high precision). When they allow and a learned `screener`
    (inference.screener.RequestScreener) is given, it reads the canonical text and declines
    at its threshold; the verdict says which one decided, the category and the confidence.
    A screener that fails leaves the decision to the rules (logged, and said in the reasons)."""
    verdict = screen_rules(text)
    if screener is None or not verdict.allowed:
        return verdict
    try:
        score = screener.score([canonical(text or "").texts[0]])[0]
    except Exception as exc:  # a broken model must not take the service down: the rules decide
        log.warning("request screener failed (%s: %s): the rules decide alone", type(exc).__name__, exc)
        verdict.reasons.append(f"request screener failed ({type(exc).__name__}): rules only")
        return verdict
    verdict.confidence = round(score.prohibited, 4)
    if score.declined:
        return RequestVerdict(False, score.category, verdict.reasons + [
            f"the request screener reads a prohibited ask: {score.category} (P={score.prohibited:.2f}, "
            f"threshold {screener.threshold:.2f})"], source="model", confidence=verdict.confidence)
    return verdict


def screen_rules(text: str) -> RequestVerdict:
    """The rule layer alone. The text is read in canonical form (textnorm: look-alike letters,
    invisible characters, curly quotes folded; with invisible characters both dropped and read
    as spaces); a refusal of any reading or window refuses the whole text."""
    norm = canonical(text or "")
    verdict = _screen_readings(norm.texts)
    if norm.mixed_script:
        verdict.reasons.append(f"mixed-script words (look-alike letters): {', '.join(norm.mixed_script[:3])}")
    return verdict


# The assistant's declines in a conversation pasted into one message ("User: ... / Assistant: No,
# CPNs aren't legal ..."): the topic rules skip them (they decline in the prohibited words; the
# user's ask is elsewhere). Only lines that read as a decline or warning, only beside a user line;
# an assistant line that agrees to do it is read, and the injection rules read every line.
_ASSISTANT_LINE = re.compile(
    r"^[^\S\n]*assistant[^\S\n]*:(?=[^\n]{0,200}\b(can'?t|cannot|won'?t|not (legal|allowed|something i can|able)|"
    r"isn'?t (legal|allowed|something)|aren'?t (legal|allowed)|illegal|unable|prohibit\w*|(doesn'?t|don'?t) allow|only (if|for|when)|"
    r"no one can|nobody can|not the right|would be a false)\b)[^\n]*", re.IGNORECASE | re.MULTILINE)
_USER_LINE = re.compile(r"^[^\S\n]*(user|me|customer|client)[^\S\n]*:", re.IGNORECASE | re.MULTILINE)


def _screen_readings(readings: Sequence[str]) -> RequestVerdict:
    """The first refusal over every reading and window, else the most informative allowance."""
    verdict: RequestVerdict | None = None
    for reading in readings:
        user_side = _ASSISTANT_LINE.sub("", reading) if _USER_LINE.search(reading) else reading
        passes = [(reading, True)] if user_side == reading else [(reading, False), (user_side, True)]
        for body, topics in passes:
            for start in range(0, max(1, len(body) - SCREEN_WINDOW + SCREEN_STEP), SCREEN_STEP):
                v = _screen_window(body[start:start + SCREEN_WINDOW], read_topics=topics)
                if not v.allowed:
                    return v
                if verdict is None or (v.about and not verdict.about):
                    verdict = v
    assert verdict is not None
    return verdict


def _refused(rule: str, reasons: list[str]) -> RequestVerdict:
    return RequestVerdict(False, RULE_CATEGORY[rule], reasons, rule=rule, source="rules")


def _screen_window(text: str, read_topics: bool = True) -> RequestVerdict:
    m = _first(INJECTION, text)
    if m:
        return _refused("prompt_injection", [f"prompt injection: {_snippet(m)!r}"])
    if not read_topics:
        return RequestVerdict(True)
    topics = [(cat, m) for cat, pats in TOPICS.items() if (m := _first(pats, text))]
    if not topics:
        return RequestVerdict(True)
    strong, weak, edu = _first(OP_STRONG, text), _first(OP_WEAK, text), _first(EDUCATION, text)
    cat, hit = topics[0]
    reasons = [f"{c}: {_snippet(h)!r}" for c, h in topics]
    if strong or (weak and not edu):
        cue = strong or weak
        return _refused(cat, reasons + [f"asks for it to be done: {_snippet(cue)!r}"])
    why = f"asks about it: {_snippet(edu)!r}" if edu else "mentions it without asking for it"
    return RequestVerdict(True, None, reasons + [why], about=cat)


# --------------------------------------------------------------------------------------------
# Answer checking tables
# --------------------------------------------------------------------------------------------

# Words that turn a match into a warning or a denial when they precede it in the same sentence
# ("no one can guarantee", "It does not promise that ...", "do not get a CPN") ...
_NEGATION_BEFORE = re.compile(
    r"\b(not|never|nobody|no one|no company|no law|cannot|can'?t|won'?t|don'?t|doesn'?t|isn'?t|aren'?t|avoid|without|"
    r"nor|refus\w*|declin\w*|beware|instead of|rather than|must not|may not|should not|stop)\b|n't\b", re.IGNORECASE)
_NO_JUST_BEFORE = re.compile(r"\bno\b", re.IGNORECASE)  # a bare "no" counts only right before the match
# ... or that mark the whole sentence as a warning wherever they appear.
_WARNING_IN_SENTENCE = re.compile(
    r"\b(illegal|unlawful|prohibited|misleading|untrue|scams?|fraud(ulent)?|a crime|crimes?|not allowed|forbid\w*|"
    r"red flag|warning)\b", re.IGNORECASE)
# Sentences stating what the law requires (time limits of the bureau) are not promises.
_LEGAL_DUTY = re.compile(r"\b(must|is required|are required|has to|have to|obligated|the law requires)\b", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(if|unless|when|once|after|only|should|until|may|might|could|can)\b", re.IGNORECASE)

# (category, id, pattern, exempt-when) -- exempt-when: "neg" (negation/warning), "duty" (also legal
# duty sentences), "cond" (also conditional sentences). Each line says what it catches.
ANSWER_RULES: list[tuple[str, str, re.Pattern[str], str]] = [
    # --- guarantees of an outcome (CROA 1679b(a)(3)) ---
    ("guarantee", "guarantee_word", re.compile(r"\bguarantee(d|s|ing)?\b", re.I), "duty"),            # "guaranteed removal"
    ("guarantee", "hundred_percent", re.compile(r"\b100 ?%\s*(success|sure|certain|removal|deletion|results?|legal)", re.I),
     "neg"),
    ("guarantee", "we_will_remove", re.compile(                                                        # "we will remove it"
        r"\b(we|i)('ll| will| can| are going to| am going to| shall)\s+(definitely |certainly |surely )?"
        r"(remove|delete|erase|wipe|clean|fix|get (it|them|this|these|those|the \w+|your \w+) (removed|deleted|erased))",
        re.I), "neg"),
    ("guarantee", "will_be_deleted", re.compile(                                                       # "it will definitely be deleted"
        r"\bwill (definitely |certainly |surely |absolutely |for sure )?(be )?(removed|deleted|erased|wiped|gone)\b", re.I),
     "cond"),
    ("guarantee", "deleted_within", re.compile(                                                        # "deleted within 30 days"
        r"\b(removed|deleted|erased|gone|wiped|fixed|repaired|cleaned( up)?|off your (credit )?report)\b[\w\s,]{0,25}"
        r"\b(with)?in (just |only )?\d+\s*(business )?(days?|weeks?|months?)\b", re.I), "duty"),
    ("guarantee", "clean_credit_in", re.compile(r"\b(clean|perfect|fixed|new) credit (with)?in \d+", re.I), "neg"),
    # --- promised score changes ---
    ("score_promise", "score_will_rise", re.compile(                                                   # "your score will go up"
        r"\bscores?\b[\w\s']{0,30}\b(will|is going to|are going to|should)\s+(definitely |certainly |surely )?"
        r"(go up|increase|rise|jump|improve|climb|skyrocket|soar|raise|reach)\b", re.I), "neg"),
    ("score_promise", "raise_by_points", re.compile(                                                   # "raise your score 100 points"
        r"\b(raise|boost|increase|improve|add|gain|bump)\w*\b[\w\s']{0,25}\b\d{2,3}\+?\s*points?\b", re.I), "neg"),
    ("score_promise", "points_increase", re.compile(r"\b\d{2,3}\+?[- ]points?\s+(increase|boost|jump|higher)\b", re.I), "neg"),
    # --- advice to misstate facts (CROA 1679b(a)(1)) ---
    ("misstatement", "say_not_mine_anyway", re.compile(
        r"\b(say|claim|tell (them|the bureaus?|the creditor|the collector)|state|dispute (it|them) as|report (it|them) as)"
        r"\b[\w\s']{0,30}\b(not (yours|mine)|never (yours|late)|inaccurate|fraud\w*|identity theft|an error)\b"
        r"(?=[^.!?\n]{0,300}\b(even (though|if)|anyway|regardless|although|whether or not)\b)", re.I), "none"),
    ("misstatement", "dispute_anyway", re.compile(
        r"\b(dispute|challenge) (it|them|everything|all|accurate \w+)\b[\w\s']{0,40}\b(anyway|even (though|if) "
        r"(it'?s|it is|they'?re|they are) (accurate|correct|yours)|regardless)\b", re.I), "neg"),
    ("misstatement", "dispute_until_falls_off", re.compile(
        r"\bdispute (all|every|everything)\b[\w\s']{0,40}\b(until|hoping|so that)\b[\w\s']{0,30}\b(falls? off|deleted|"
        r"removed|something)", re.I), "neg"),
    ("misstatement", "false_report", re.compile(
        r"\b(file|make|submit|send|write)\b[\w\s']{0,15}\b(fake|false|bogus|made[- ]up)\b[\w\s']{0,20}"
        r"\b(police report|identity theft report|report|statement|letter)\b", re.I), "neg"),
    ("misstatement", "just_claim_theft", re.compile(
        r"\b(just|simply) (say|claim|report)\b[\w\s']{0,20}\b(identity theft|fraud|not (yours|mine))\b", re.I), "neg"),
    # --- new identity, CPN, file segregation (CROA 1679b(a)(2)) ---
    ("identity_scheme", "get_cpn", re.compile(
        r"\b(get|obtain|apply (for|with)|use|using|buy|purchase|try|consider|order)\b[\w\s']{0,20}"
        r"\b(cpns?|credit (privacy|profile) numbers?|new (ssn|social security number|identity|credit (file|identity|profile)))\b",
        re.I), "neg"),
    ("identity_scheme", "ein_for_ssn", re.compile(
        r"\b(ein|tax id|itin)\b[\w\s']{0,30}\b(instead of|in place of)\b[\w\s']{0,10}\b(ssn|social)", re.I), "neg"),
    ("identity_scheme", "file_segregation", re.compile(
        r"\b(try|use|do|start|consider|pursue|begin|set up)\b[\w\s']{0,15}\bfile segregation\b|"
        r"\bsegregate your (credit )?file\b", re.I), "neg"),
    # --- legal threats on the consumer's behalf ---
    ("legal_threat", "we_will_sue", re.compile(
        r"\b(we|i)('ll| will| shall| are going to| am going to)\s+(sue|file (a )?(law)?suit|take (you|them)?\s*"
        r"(legal action|to court)|pursue (legal|litigation))", re.I), "neg"),
    ("legal_threat", "threaten_lawsuit", re.compile(
        r"\b(threaten\w*|threat of)\b[\w\s']{0,15}\b(to sue|a lawsuit|lawsuit|legal action|litigation|a class action|court)\b",
        re.I), "neg"),
    ("legal_threat", "or_we_sue", re.compile(
        r"\bor (we|i)('ll| will)\s+(sue|take legal action)|\bsee you in court\b|\bnotice of intent to sue\b", re.I), "neg"),
]

_HEADER = re.compile(
    # possessive [ \t]*+: a line of spaces after a header made the plain form quadratic
    r"^[ \t]*+(?:#{1,6}[ \t]*+)?(?:\*\*)?[ \t]*+(SUMMARY|ANALYSIS|ELIGIBILITY STATUS|RECOMMENDED ACTIONS?|NEXT STEPS|SOURCES)"
    r"[ \t]*+(?:\*\*)?[ \t]*+:?[ \t]*+(?:\*\*)?[ \t]*+", re.IGNORECASE | re.MULTILINE)
_DISCLAIMER_PARTS = (
    re.compile(r"\beducational\b", re.I),
    re.compile(r"\bnot (legal|financial)( or (legal|financial))? advice\b", re.I),
    re.compile(r"\bresults (may|can) vary\b", re.I),
)
MIN_SECTIONS_TO_REPAIR = 3
"""An answer with fewer of the five sections than this is replaced rather than repaired."""


@dataclass
class Violation:
    """One forbidden statement found in an answer."""

    category: str
    rule: str
    match: str


@dataclass
class AnswerVerdict:
    """`pass` (unchanged), `repaired` (structure fixed) or `replaced` (safe answer substituted)."""

    verdict: str
    reasons: list[str]
    text: str
    sections: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reasons": list(self.reasons)}


SENTENCE_REACH = 1000
"""How far a sentence boundary is looked for on each side of a match (bounded: the scan runs
once per match, and an unbounded one made long unpunctuated answers quadratic)."""


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo, hi = max(0, start - SENTENCE_REACH), min(len(text), end + SENTENCE_REACH)
    left = max(text.rfind(ch, lo, start) for ch in ".!?\n")
    rights = [i for i in (text.find(ch, end, hi) for ch in ".!?\n") if i != -1]
    return (left + 1 if left >= 0 else lo), (min(rights) if rights else hi)


def _in_quotes(text: str, start: int, end: int, s0: int) -> bool:
    before = text[s0:start]
    for q_open, q_close in (('"', '"'), ("\u201c", "\u201d"), ("'", "'")):
        if q_open == q_close:
            if before.count(q_open) % 2 == 1 and q_close in text[end:end + 80]:
                if q_open != "'" or re.search(r"(^|\s)'", before):  # an apostrophe is not a quote
                    return True
        elif before.rfind(q_open) > before.rfind(q_close):
            return True
    return False


def _exempt(text: str, m: re.Match[str], mode: str) -> bool:
    if mode == "none":
        return False
    s0, s1 = _sentence_bounds(text, m.start(), m.end())
    sentence = text[s0:s1]
    before = text[s0:m.start()]
    near = text[max(s0, m.start() - 25):m.start()]
    if (_NEGATION_BEFORE.search(before) or _NO_JUST_BEFORE.search(near) or _WARNING_IN_SENTENCE.search(sentence)
            or _in_quotes(text, m.start(), m.end(), s0)):
        return True
    if mode in ("duty", "cond") and _LEGAL_DUTY.search(sentence):
        return True
    return mode == "cond" and bool(_CONDITIONAL.search(sentence))


def find_violations(text: str) -> list[Violation]:
    """Every forbidden statement in `text` (warnings and denials are not violations)."""
    out: list[Violation] = []
    for reading in readings(text or ""):
        for category, rule, pattern, mode in ANSWER_RULES:
            if any(v.rule == rule for v in out):
                continue
            for m in pattern.finditer(reading):
                if not _exempt(reading, m, mode):
                    out.append(Violation(category, rule, " ".join(m.group(0).split())))
                    break
    return out


def parse_sections(text: str) -> dict[str, str]:
    """Section name -> body for the headed sections present (SOURCES included when present)."""
    heads = list(_HEADER.finditer(text or ""))
    out: dict[str, str] = {}
    for i, h in enumerate(heads):
        name = h.group(1).upper()
        name = "RECOMMENDED ACTION" if name.startswith("RECOMMENDED") else name
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[h.end():end].strip()
        if name not in out:
            out[name] = body
    return out


def has_disclaimer(text: str) -> bool:
    return all(p.search(text or "") for p in _DISCLAIMER_PARTS)


def _strip_disclaimer(body: str, disclaimer: str) -> str:
    return body.replace(disclaimer, "").strip()


def _fallback_parts(fallback: Any, label: str | None) -> tuple[str, dict[str, str], list[dict]]:
    """(text, sections, citations) of the safe answer to repair from or substitute."""
    if fallback is None:
        from creditai.assistant.composer import compose_answer

        fallback = compose_answer(label or "insufficient_information")
    if isinstance(fallback, str):
        return fallback, parse_sections(fallback), []
    if isinstance(fallback, Mapping):
        return str(fallback.get("text", "")), dict(fallback.get("sections") or {}), list(fallback.get("citations") or [])
    return fallback.text, dict(fallback.sections), list(getattr(fallback, "citations", []) or [])


def render(sections: Mapping[str, str], citations: list[dict] | None = None) -> str:
    """The composer's layout, with any missing section left empty."""
    from creditai.assistant.composer import render_answer

    return render_answer({k: sections.get(k, "") for k in SECTIONS}, citations or [])


_LABEL_WORDS = {
    "eligible": re.compile(r"(?<!not )(?<!in)\beligible\b", re.I),
    "conditionally_eligible": re.compile(r"\bconditionally[ _]eligible\b", re.I),
    "not_eligible": re.compile(r"\bnot[ _]eligible\b|\bineligible\b", re.I),
    "insufficient_information": re.compile(r"\binsufficient[ _]information\b|\bnot enough information\b", re.I),
}


def check_answer(text: str, *, fallback: Any = None, label: str | None = None) -> AnswerVerdict:
    """Check one answer; repair structure, replace forbidden content.

    `fallback` is the safe answer (a `ComposedAnswer`, a mapping with text/sections/citations, or
    text) used to fill missing sections and to replace a non-compliant answer; without it a
    composed answer for `label` (or `insufficient_information`) is used. When `label` is given,
    an ELIGIBILITY STATUS that does not state it is repaired from the fallback.
    """
    from creditai.assistant.composer import DISCLAIMER

    text = (text or "").strip()
    reasons: list[str] = []
    violations = find_violations(text)
    if violations:
        reasons += [f"forbidden {v.category} ({v.rule}): {v.match!r}" for v in violations]
    sections = parse_sections(text)
    present = [s for s in SECTIONS if sections.get(s, "").strip()]
    missing = [s for s in SECTIONS if s not in present]
    disclaimer_ok = has_disclaimer(text)
    if not violations and not missing and disclaimer_ok:
        label_ok = label is None or label == "" or _label_stated(sections["ELIGIBILITY STATUS"], label)
        if label_ok:
            return AnswerVerdict("pass", [], text, sections)

    fb_text, fb_sections, fb_citations = _fallback_parts(fallback, label)
    if violations or len(present) < MIN_SECTIONS_TO_REPAIR:
        if not violations:
            reasons.append(f"only {len(present)} of {len(SECTIONS)} sections present: not repairable")
        reasons.append("replaced with the composed answer")
        return AnswerVerdict("replaced", reasons, fb_text, fb_sections or parse_sections(fb_text))

    # Repair: restore missing sections from the fallback, fix the label, add the disclaimer.
    fixed = {s: _strip_disclaimer(sections.get(s, ""), DISCLAIMER) for s in SECTIONS}
    for s in missing:
        fixed[s] = fb_sections.get(s) or "See the other sections of this answer."
        reasons.append(f"missing section {s}: restored")
    if label and not _label_stated(fixed["ELIGIBILITY STATUS"], label):
        fixed["ELIGIBILITY STATUS"] = fb_sections.get("ELIGIBILITY STATUS") or fixed["ELIGIBILITY STATUS"]
        reasons.append(f"ELIGIBILITY STATUS did not state {label}: restored")
    if not disclaimer_ok:
        reasons.append("missing disclaimer: added")
    citations = fb_citations
    repaired = render(fixed, citations)
    if find_violations(repaired) or not has_disclaimer(repaired):  # paranoia: never return a bad repair
        reasons.append("repair still non-compliant: replaced")
        return AnswerVerdict("replaced", reasons, fb_text, fb_sections)
    return AnswerVerdict("repaired", reasons, repaired, fixed)


def _label_stated(status_text: str, label: str) -> bool:
    if label == "eligible":
        return bool(_LABEL_WORDS["eligible"].search(status_text)) and not _LABEL_WORDS["not_eligible"].search(status_text) \
            and not _LABEL_WORDS["conditionally_eligible"].search(status_text)
    pat = _LABEL_WORDS.get(label)
    if pat is None:
        return True
    if label == "insufficient_information":
        return bool(pat.search(status_text)) or "insufficient" in status_text.lower()
    return bool(pat.search(status_text))
