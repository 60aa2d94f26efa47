"""What `classify`, `analyze` and `kb search` do to a batch: the row check and the worker.

A job is a small frozen dataclass (picklable, so Ray can ship it to its actors); its
`worker()` loads the models once and turns a window of rows into output rows. Both
engines parse windows with `parse_window` and run the same worker, so they agree row by row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ClassVar, Protocol, Sequence

from creditai.data.io import parse_object
from creditai.errors import CreditAIError, DataError
from creditai.inference.classifier import DEFAULT_BATCH_SIZE

Where = tuple[str, int]  # (input file, line number) of a row


class Worker(Protocol):
    """A loaded job: `notes` for the user (e.g. "no trained model"), a call per window."""

    notes: list[str]

    def __call__(self, rows: list[dict], where: list[Where]) -> list[dict]: ...


class Job(Protocol):
    name: ClassVar[str]
    window: ClassVar[int]  # rows per window: what a worker gets at a time
    allow_empty: ClassVar[bool]

    def check(self, row: dict) -> str | None: ...

    def worker(self) -> Worker: ...

    def tally(self, row: dict) -> str: ...


def parse_window(job: Job, url: str, numbers: Sequence[int], lines: Sequence[str]) -> list[dict]:
    """The rows of a window; the first invalid one raises DataError(url, line, problem)."""
    rows = []
    for n, raw in zip(numbers, lines):
        row = parse_object(url, n, raw)
        problem = job.check(row)
        if problem:
            raise DataError(url, n, problem)
        rows.append(row)
    return rows


def encode(row: dict) -> str:
    """One output line (the same bytes whichever engine wrote it)."""
    return json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


def _text_problem(row: dict, field: str) -> str | None:
    if field not in row:
        return f"missing field {field!r}"
    value = row[field]
    if not isinstance(value, str) or not value.strip():
        return f"missing or empty field {field!r}"
    return None


# ---------------------------------------------------------------------- classify


@dataclass(frozen=True)
class ClassifyJob:
    """Eligibility of each row's text: the fine-tuned model, the rules below `threshold`."""

    model_dir: str | None = None
    threshold: float = 0.7
    backend: str = "auto"
    text_field: str = "text"
    batch_size: int = DEFAULT_BATCH_SIZE

    name: ClassVar[str] = "classify"
    # the model sorts a window by length before batching it: 1024 rows keep padding as low
    # as sorting the whole file did, and windows are what make the engines batch alike
    window: ClassVar[int] = 1024
    allow_empty: ClassVar[bool] = False

    def check(self, row: dict) -> str | None:
        return _text_problem(row, self.text_field)

    def worker(self) -> Worker:
        return _ClassifyWorker(self)

    def tally(self, row: dict) -> str:
        return f"by {row['source']}"


class _ClassifyWorker:
    def __init__(self, job: ClassifyJob):
        from creditai.inference.eligibility import EligibilityPredictor

        self.job = job
        self.predictor = EligibilityPredictor(job.model_dir, job.threshold, backend=job.backend)
        self.notes = []
        if not self.predictor.loaded:
            why = self.predictor.info()["error"] or f"no trained model at {self.predictor.model_dir}"
            self.notes.append(f"{why}; using the rule-based classifier")

    def __call__(self, rows: list[dict], where: list[Where]) -> list[dict]:
        results = self.predictor.predict([r[self.job.text_field] for r in rows], batch_size=self.job.batch_size)
        out = []
        for row, res in zip(rows, results):
            item = dict(row)
            if "label" in row and "gold_label" not in row:  # keep the input's own label
                item["gold_label"] = row["label"]
            item.update(label=res.label, confidence=round(res.confidence, 6),
                        probabilities={k: round(v, 6) for k, v in res.probabilities.items()}, source=res.source)
            out.append(item)
        return out


# ---------------------------------------------------------------------- analyze


@dataclass(frozen=True)
class AnalyzeJob:
    """The assistant's whole analysis of each row (`text`, optional `question` and `id`)."""

    question: str | None = None

    name: ClassVar[str] = "analyze"
    window: ClassVar[int] = 16  # a row costs tens of milliseconds: small windows spread the work
    allow_empty: ClassVar[bool] = False

    def check(self, row: dict) -> str | None:
        problem = _text_problem(row, "text")
        if problem is None and row.get("question") is not None and not isinstance(row["question"], str):
            problem = "field 'question' must be a string"
        return problem

    def worker(self) -> Worker:
        return _AnalyzeWorker(self)

    def tally(self, row: dict) -> str:
        return "refused" if row["refused"] else "answered"


class _AnalyzeWorker:
    def __init__(self, job: AnalyzeJob):
        from creditai.assistant.pipeline import Analyzer

        self.job = job
        self.analyzer = Analyzer()
        self.notes: list[str] = []

    def __call__(self, rows: list[dict], where: list[Where]) -> list[dict]:
        from creditai.assistant.pipeline import InputError

        out = []
        for row, (url, line) in zip(rows, where):
            # a row without an id is known by its place: the same id from either engine
            request_id = str(row["id"]) if row.get("id") is not None else f"{PurePosixPath(url).name}:{line}"
            try:
                res = self.analyzer.analyze(row["text"], question=row.get("question") or self.job.question,
                                            request_id=request_id)
            except InputError as exc:
                raise DataError(url, line, str(exc)) from None
            out.append(res.as_dict())
        return out


# ---------------------------------------------------------------------- kb search


@dataclass(frozen=True)
class SearchJob:
    """The knowledge-base hits of each row's `query` (optional `k`, `doc_types`, `intent`)."""

    index_dir: str | None = None
    k: int = 5
    doc_types: tuple[str, ...] = ()
    intent: str | None = None
    mode: str = "hybrid"

    name: ClassVar[str] = "search"
    window: ClassVar[int] = 64
    allow_empty: ClassVar[bool] = True

    def check(self, row: dict) -> str | None:
        if not isinstance(row.get("query"), str) or not row["query"].strip():
            return "missing or empty 'query' field"
        k = row.get("k", 1)
        if not isinstance(k, int) or isinstance(k, bool) or k <= 0:
            return "'k' must be a positive integer"
        types = row.get("doc_types", [])
        if not (isinstance(types, list) and all(isinstance(t, str) for t in types)):
            return "'doc_types' must be a list of strings"
        return None

    def worker(self) -> Worker:
        return _SearchWorker(self)

    def tally(self, row: dict) -> str:
        return "with hits" if row["hits"] else "without hits"


def load_knowledge_base(index_dir: str | None, embedder: Any = "auto") -> Any:
    """The index at `index_dir` (default: the project's), or a CreditAIError saying it is missing."""
    from creditai.kb.search import KnowledgeBase

    try:
        return KnowledgeBase.load(index_dir, embedder=embedder)
    except FileNotFoundError as exc:
        raise CreditAIError(str(exc)) from None


def hit_dict(hit: Any) -> dict:
    """The fields of a hit that a batch row or `kb search --json` shows."""
    d = hit.as_dict()
    return {key: d[key] for key in ("text", "source", "title", "doc_type", "score", "heading", "citations")}


class _SearchWorker:
    def __init__(self, job: SearchJob):
        self.job = job
        self.kb = load_knowledge_base(job.index_dir)
        self.notes = ["the index is empty"] if self.kb.size() == 0 else []

    def __call__(self, rows: list[dict], where: list[Where]) -> list[dict]:
        job = self.job
        out = []
        for row in rows:
            hits = self.kb.search(row["query"], k=row.get("k", job.k), doc_types=row.get("doc_types") or
                                  list(job.doc_types) or None, intent=row.get("intent", job.intent), mode=job.mode)
            out.append({**row, "hits": [hit_dict(h) for h in hits]})
        return out
