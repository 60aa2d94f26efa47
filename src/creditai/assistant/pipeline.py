"""The answer pipeline: validate -> screen -> intent -> retrieve -> classify -> compose -> guard.

`Analyzer` is what the CLI (`creditai analyze`) and the service call. Every component loads
lazily and degrades instead of failing: no trained classifier -> the rule-based classifier;
no KB index -> a BM25 index built on the fly from knowledge_base/ (or no passages); no LLM
(or an LLM error or timeout) -> the template composer. Whatever composed the answer, the
compliance guard checks it last, so the returned text always has the five sections and the
disclaimer and never promises outcomes.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from creditai.assistant import guard
from creditai.assistant.composer import compose_refusal
from creditai.assistant.intent import check_completeness, detect_intent
from creditai.errors import CreditAIError
from creditai.textnorm import squeeze_space

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 8000
MAX_QUESTION_CHARS = 1000
RETRIEVAL_K = 4
KB_INTENT = {"dispute": "dispute", "education": "education", "document_request": "document_generation"}
# Extra query words for questions *about* a prohibited topic, so retrieval finds the warning passages.
TOPIC_QUERY = {
    "cpn": "CPN credit privacy number Social Security number CROA illegal",
    "new_identity": "new credit identity EIN in place of Social Security number CROA illegal",
    "file_segregation": "file segregation new credit identity CROA illegal",
    "guarantee": "credit repair company guarantee misleading claims CROA advance fees",
    "false_statement": "identity theft report false statement 605B block",
    "dispute_accurate": "dispute accurate information untrue statements CROA",
    "legal_threat": "consumer rights lawsuit attorney FCRA 616 617 CFPB complaint",
    "advance_fee": "credit repair organization fees before services performed CROA cancel",
    "misleading_claims": "credit repair advertising misleading claims CROA",
}

# Letter outlines added to RECOMMENDED ACTION for a document request, by label.
LETTER_OUTLINES: dict[str, str] = {
    "eligible": ("Letter outline: your name, address and date of birth; the bureau's dispute address; the creditor and "
                 "the last digits of the account number; exactly which detail is wrong and what your records show; a "
                 "request that the bureau reinvestigate and correct or delete the inaccurate information (FCRA 611); a "
                 "list of the enclosed copies. Send it by certified mail and keep a copy."),
    "conditionally_eligible": ("Letter outline (once your records confirm the error): your name and address; the "
                               "creditor and account number; the specific detail you believe is wrong and the records "
                               "that show it; a request to reinvestigate under FCRA 611. To a collector, a written "
                               "request to validate the debt comes first (FDCPA 809(b))."),
    "not_eligible": ("Letter outline for a goodwill request to the creditor (not a dispute): your name and account "
                     "number; a brief, honest explanation of what happened; your payment record since; a polite request "
                     "that they consider adjusting the reporting as a courtesy. The creditor may decline."),
    "insufficient_information": "Once the item is identified, I can outline the letter that fits it.",
}


class InputError(CreditAIError):
    """Invalid request input; `field` names the offending field (the service maps it to HTTP 422)."""

    def __init__(self, field: str, problem: str):
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


class AnalysisResult(BaseModel):
    """Everything the pipeline decided about one request."""

    request_id: str
    intent: str
    refused: bool
    eligibility: str | None = None
    confidence: float | None = None
    source: str | None = None  # "model" | "rules" (None when no item was classified)
    rules: list[str] = Field(default_factory=list)
    sections: dict[str, str]
    answer: str
    citations: list[dict[str, Any]] = Field(default_factory=list)
    compliance: dict[str, Any]
    missing_information: list[str] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    components: dict[str, str] = Field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _validate(value: Any, field: str, limit: int, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InputError(field, f"must be a string, got {type(value).__name__}")
    if not value.strip():
        if required:
            raise InputError(field, "must not be empty")
        return None
    if len(value) > limit:
        raise InputError(field, f"too long ({len(value)} characters; the limit is {limit})")
    return squeeze_space(value.strip())  # every stage reads bounded whitespace runs


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._t0 = time.perf_counter()

    def stage(self, name: str) -> "_Stage":
        return _Stage(self, name)

    def total(self) -> dict[str, float]:
        self.timings["total"] = round((time.perf_counter() - self._t0) * 1000, 2)
        return self.timings


class _Stage:
    def __init__(self, watch: _Stopwatch, name: str):
        self.watch, self.name = watch, name

    def __enter__(self) -> None:
        self.t = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        ms = (time.perf_counter() - self.t) * 1000
        self.watch.timings[self.name] = round(self.watch.timings.get(self.name, 0.0) + ms, 2)


_UNSET = object()


class Analyzer:
    """The answer pipeline. Thread-safe: share one instance (components load once, under a lock).

    `classifier`: an `EligibilityPredictor` (default: the trained model in paths.classifier_dir(),
    rules when absent). `kb`: a `KnowledgeBase` (default: the index in paths.index_dir(), else
    BM25 over knowledge_base/ built on the fly). `llm`: a `LocalLLM`, False to disable, or None
    to load one when ENABLE_LLM is set and weights are present.
    """

    def __init__(self, classifier: Any = None, kb: Any = None, llm: Any = None, threshold: float = 0.7, *,
                 llm_max_time: float | None = None, retrieval_k: int = RETRIEVAL_K, screener: Any = None):
        self.threshold = float(threshold)
        self.retrieval_k = int(retrieval_k)
        self.llm_max_time = llm_max_time
        self._lock = threading.RLock()
        self._search_lock = threading.Lock()  # the KB's query cache is not thread-safe
        self._classifier = classifier
        self._kb: Any = kb if kb is not None else _UNSET
        self._kb_mode = ("hybrid" if getattr(kb, "dense_available", False) else "bm25") if kb is not None else None
        self._llm: Any = _UNSET if llm is None else (None if llm is False else llm)
        self._llm_status = "disabled" if llm is False else ("loaded" if llm not in (None, False) else None)
        self._rules: Any = None
        # the learned request screener: None loads the trained one (rules alone when absent), False disables it
        self._screener: Any = _UNSET if screener is None else (None if screener is False else screener)
        self._screener_status = "disabled" if screener is False else ("loaded" if screener is not None else None)

    # ------------------------------------------------------------------ lazy components

    @property
    def classifier(self) -> Any:
        if self._classifier is None:
            with self._lock:
                if self._classifier is None:
                    from creditai.inference.eligibility import EligibilityPredictor

                    self._classifier = EligibilityPredictor(threshold=self.threshold)
        return self._classifier

    @property
    def rules(self) -> Any:
        if self._rules is None:
            with self._lock:
                if self._rules is None:
                    from creditai.data.rules import RuleClassifier

                    self._rules = RuleClassifier()
        return self._rules

    @property
    def screener(self) -> Any:
        if self._screener is _UNSET:
            with self._lock:
                if self._screener is _UNSET:
                    from creditai.errors import ConfigError, ModelNotFoundError
                    from creditai.inference.screener import RequestScreener

                    try:
                        self._screener, self._screener_status = RequestScreener.load(), "loaded"
                    except ConfigError:
                        raise  # a mistyped setting (CREDITAI_GUARD_THRESHOLD) is the user's to fix, not to hide
                    except ModelNotFoundError as exc:
                        log.info("no request screener (%s): the guard's rules decide alone", exc)
                        self._screener, self._screener_status = None, f"missing: {exc}"
                    except Exception as exc:  # a corrupt or wrong folder: the rules decide, /health says why
                        log.warning("request screener not loaded (%s: %s): the guard's rules decide alone",
                                    type(exc).__name__, exc)
                        self._screener, self._screener_status = None, f"invalid: {exc}"
        return self._screener

    def screen(self, text: str) -> guard.RequestVerdict:
        """The guard's one decision on a request: rules, then the learned screener."""
        return guard.screen_request(text, self.screener)

    def screen_conversation(self, message: str, earlier: Sequence[str] = ()) -> guard.RequestVerdict:
        """A prohibited ask in any turn declines the conversation: each earlier user turn, then the
        whole conversation as the screener was trained to read it (earlier turns, then the last)."""
        if not earlier:
            return self.screen(message)
        verdict = guard.RequestVerdict(True)
        for turn in [*earlier, _conversation(message, earlier)]:
            verdict = self.screen(turn)
            if not verdict.allowed:
                return verdict
        return verdict

    @property
    def kb(self) -> Any:
        if self._kb is _UNSET:
            with self._lock:
                if self._kb is _UNSET:
                    self._kb, self._kb_mode = self._load_kb()
        return self._kb

    @staticmethod
    def _load_kb() -> tuple[Any, str]:
        from creditai import paths
        from creditai.kb.search import KnowledgeBase

        try:
            kb = KnowledgeBase.load()
            return kb, "hybrid" if kb.dense_available else "bm25"
        except Exception as exc:
            log.info("no knowledge-base index (%s): building a BM25 index from knowledge_base/ in memory", exc)
        sources = [d for d in paths.knowledge_base_dirs() if d.is_dir()]
        if not sources:
            log.warning("no knowledge_base/ folder here: answers will carry no passages")
            return None, "none"
        try:
            kb = KnowledgeBase.from_sources(sources)
            if kb.size() == 0:
                log.warning("the knowledge base folders hold no documents: answers will carry no passages")
                return None, "none"
            return kb, "bm25-on-the-fly"
        except Exception as exc:
            log.warning("could not index knowledge_base/ (%s): answers will carry no passages", exc)
            return None, "none"

    @property
    def llm(self) -> Any:
        if self._llm is _UNSET:
            with self._lock:
                if self._llm is _UNSET:
                    from creditai.assistant.llm import llm_enabled, load_llm

                    if not llm_enabled():
                        self._llm, self._llm_status = None, "disabled"
                    else:
                        self._llm = load_llm()
                        self._llm_status = "loaded" if self._llm is not None else "unavailable"
        return self._llm

    def info(self) -> dict[str, Any]:
        """Which components are in use (for /health)."""
        clf = self.classifier
        _ = self.kb, self.llm
        screener = self.screener
        return {
            "classifier": clf.info() if hasattr(clf, "info") else {"loaded": getattr(clf, "loaded", None)},
            "screener": screener.info() if screener is not None else {"loaded": False, "status": self._screener_status},
            "retrieval": self._kb_mode,
            "llm": self._llm.info() if self._llm is not None and hasattr(self._llm, "info") else {"status": self._llm_status},
        }

    # ------------------------------------------------------------------ stages

    def _retrieve(self, query: str, intent: str | None) -> list[dict]:
        kb = self.kb
        if kb is None:
            return []
        try:
            with self._search_lock:
                hits = kb.search(query, k=self.retrieval_k * 2, intent=KB_INTENT.get(intent or ""))
        except Exception as exc:  # a broken index must not break answers
            log.warning("retrieval failed: %s", exc)
            return []
        # One passage per document (its best chunk), so an answer never cites a source twice.
        passages, seen = [], set()
        for h in hits:
            d = h.as_dict() if hasattr(h, "as_dict") else dict(h)
            if d.get("source") not in seen:
                seen.add(d.get("source"))
                passages.append(d)
        return passages[: self.retrieval_k]

    @staticmethod
    def _with_section(answer: Any, name: str, extra: str, *, append: bool = False) -> Any:
        """Add `extra` to one section (first, or last with `append`) and re-render the answer."""
        from creditai.assistant.composer import ComposedAnswer, render_answer

        sections = dict(answer.sections)
        sections[name] = f"{sections[name]}\n{extra}" if append else f"{extra}\n{sections[name]}"
        return ComposedAnswer(render_answer(sections, answer.citations), sections, answer.citations)

    def _llm_messages(self, user: str, history: Sequence[Mapping[str, str]] | None) -> list[dict]:
        from creditai.data.generator import SYSTEM_PROMPT

        msgs = [{"role": "system", "content": SYSTEM_PROMPT}]
        for m in history or ():
            role, content = m.get("role"), m.get("content")
            if role in ("user", "assistant") and isinstance(content, str) and content.strip():
                msgs.append({"role": role, "content": content})
        msgs.append({"role": "user", "content": user})
        return msgs

    # ------------------------------------------------------------------ public API

    def analyze(self, text: Any, question: Any = None, request_id: str | None = None, *,
                history: Sequence[Mapping[str, str]] | None = None) -> AnalysisResult:
        """Analyze one credit-report item or question; raises `InputError` for invalid input."""
        from creditai.assistant.composer import compose_answer, compose_education

        watch = _Stopwatch()
        with watch.stage("validate"):
            text = _validate(text, "text", MAX_TEXT_CHARS, required=True)
            question = _validate(question, "question", MAX_QUESTION_CHARS, required=False)
        request_id = request_id or uuid.uuid4().hex
        full = f"{text}\n\n{question}" if question else text
        components: dict[str, str] = {}

        with watch.stage("screen"):
            verdict = self.screen(full)
        if not verdict.allowed:
            return self._refusal(verdict, request_id, watch, full)

        with watch.stage("intent"):
            parsed = self.rules.predict(full)
            intent = detect_intent(full, facts=parsed.facts, verdict=verdict)

        with watch.stage("retrieval"):
            query = f"{question} {text}" if question else text
            if verdict.about in TOPIC_QUERY:
                query = f"{TOPIC_QUERY[verdict.about]} {query}"
            # a question about a prohibited scheme searches every doc type (the warnings are compliance docs)
            passages = self._retrieve(query[:2000], None if verdict.about else intent.intent)
        _ = self.kb
        components["retrieval"] = self._kb_mode or "none"

        label = confidence = source = None
        rules: list[str] = []
        missing: list[str] = []
        if intent.intent in ("dispute", "document_request"):
            with watch.stage("eligibility"):
                try:
                    elig = self.classifier.predict([full])[0]
                    label, confidence, source, rules = elig.label, float(elig.confidence), elig.source, list(elig.rules)
                except Exception as exc:  # a broken model must not break answers: rules decide
                    log.warning("classifier failed (%s): using the rule-based decision", exc)
                    label, confidence, source, rules = parsed.label, float(parsed.confidence), "rules", list(parsed.rules)
            components["classifier"] = source or "rules"
            completeness = check_completeness(full, label, parsed.facts)
            missing = completeness.missing
        else:
            components["classifier"] = "skipped"

        with watch.stage("compose"):
            if label is not None:
                from creditai.data.policy import RULES

                own = [r for r in rules if r in RULES and RULES[r].label == label]
                template = compose_answer(label, rules=own, facts=parsed.facts, passages=passages, question=question)
                if intent.intent == "document_request":
                    template = self._with_section(template, "RECOMMENDED ACTION", LETTER_OUTLINES[label], append=True)
                if missing:
                    template = self._with_section(template, "NEXT STEPS",
                                                  f"To assess this item, please send: {'; '.join(missing)}.")
            else:
                template = compose_education(question or text, passages)

        candidate, composer = template.text, "template"
        llm = self.llm
        if llm is not None:
            with watch.stage("llm"):
                try:
                    kwargs = {"max_time": self.llm_max_time} if self.llm_max_time else {}
                    candidate = llm.generate(self._llm_messages(full, history), **kwargs)
                    composer = "llm"
                    components["llm"] = "ok"
                except Exception as exc:  # error or timeout: the template answers
                    log.warning("LLM generation failed, using the template: %s", exc)
                    components["llm"] = f"error: {type(exc).__name__}"
        else:
            components["llm"] = self._llm_status or "disabled"

        with watch.stage("guard"):
            checked = guard.check_answer(candidate, fallback=template, label=label)
        if composer == "llm" and checked.verdict == "replaced":
            composer = "template"  # the guard substituted the template answer
        components["composer"] = composer
        components["guard"] = checked.verdict

        return AnalysisResult(
            request_id=request_id, intent=intent.intent, refused=False, eligibility=label,
            confidence=None if confidence is None else round(confidence, 4), source=source, rules=rules,
            sections=_five(checked.sections), answer=checked.text, citations=template.citations,
            compliance={"verdict": checked.verdict, "reasons": checked.reasons, "intent_reasons": intent.reasons,
                        "request": verdict.as_dict()},
            missing_information=missing, timings_ms=watch.total(), components=components,
        )

    def _refusal(self, verdict: guard.RequestVerdict, request_id: str, watch: _Stopwatch, text: str) -> AnalysisResult:
        """The polite decline with the lawful alternative for the refused category (and, when the
        request gives the dates, the day the item must leave the report)."""
        with watch.stage("compose"):
            composed = compose_refusal(verdict.category or "instruction_override", self.rules.predict(text).facts)
        with watch.stage("guard"):
            checked = guard.check_answer(composed.text, fallback=composed)
        return AnalysisResult(
            request_id=request_id, intent="prohibited", refused=True, sections=_five(checked.sections),
            answer=checked.text, citations=composed.citations,
            compliance={"verdict": checked.verdict, "reasons": checked.reasons, "request": verdict.as_dict()},
            timings_ms=watch.total(),
            components={"classifier": "skipped", "composer": "template", "retrieval": "skipped",
                        "guard": checked.verdict, "llm": "skipped"},
        )

    def chat(self, message: Any, history: Sequence[Mapping[str, str]] | None = None,
             request_id: str | None = None, *, instructions: Sequence[str] = ()) -> AnalysisResult:
        """One chat turn (the service's /chat): the same pipeline, with prior turns given to the LLM.

        A follow-up without an item of its own ("what should I send?") is read together with the
        consumer's earlier messages so the item they described is still assessed. `instructions`
        are a client's own instructions (an OpenAI system message): screened like the user's
        turns (an "ignore your rules" there declines the conversation), never read as the item.
        """
        message = _validate(message, "message", MAX_QUESTION_CHARS * 4, required=True)
        history = [h for h in (history or []) if isinstance(h, Mapping)]
        earlier = [h.get("content", "") for h in history if h.get("role") == "user" and isinstance(h.get("content"), str)]
        instructions = [t for t in instructions if isinstance(t, str) and t.strip()]
        if earlier or instructions:  # a message alone is screened by analyze()
            watch = _Stopwatch()
            with watch.stage("screen"):  # each turn alone, then all of it together (an ask split across turns)
                verdict = self.screen_conversation(message, [*instructions, *earlier])
            if not verdict.allowed:  # the decline reads the consumer's facts from their own turns only
                return self._refusal(verdict, request_id or uuid.uuid4().hex, watch, _conversation(message, earlier))
        if earlier and len(message) < 200:
            context = " ".join(earlier[-2:])[-MAX_TEXT_CHARS // 2:]
            if self.screen(context).allowed:
                return self.analyze(context, question=message, request_id=request_id, history=history)
        return self.analyze(message, request_id=request_id, history=history)


def _conversation(message: str, earlier: Sequence[str]) -> str:
    """The user's side of a conversation as the screener reads it: earlier turns, then the last."""
    return "\n".join([*earlier, message])[-MAX_TEXT_CHARS:]


def _five(sections: Mapping[str, str]) -> dict[str, str]:
    return {name: str(sections.get(name, "")) for name in guard.SECTIONS}
