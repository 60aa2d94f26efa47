"""Evaluation harness: scores whatever is trained and says what is missing.

Writes `AI_EVALUATION_REPORT.json` (stable schema, see SCHEMA below), a readable
`AI_EVALUATION_REPORT.md` and PNG plots. Each section is independent: a missing model
is reported as such (status "missing" with the reason), never a crash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from creditai import LABELS, __version__, paths
from creditai.data.io import iter_jsonl
from creditai.errors import CreditAIError
from creditai.metrics import classification_metrics, reliability_bins
from creditai.train.common import write_json

SCHEMA_VERSION = "1.0"
# The report's top-level keys. Every section has "status": "ok" | "missing" | "error" and,
# when not ok, "reason". Metrics are floats in [0, 1] unless the key says otherwise (_ms, _s).
SCHEMA = {
    "schema_version": "string, bumped on any incompatible change",
    "created_at": "ISO-8601 UTC time",
    "creditai_version": "package version",
    "missing": "list of things not evaluated and why",
    "classifier": "{status, model_dir, model_version, datasets: {generated_test|realistic: {n, accuracy, "
    "macro_f1, per_class, confusion_matrix, ece}}, fallback: {...same for model+rules below threshold}, "
    "baselines: {rules: {...}, tfidf: {...}}}",
    "retrieval": "{status, queries, k, modes: {bm25|base|finetuned|hybrid: {recall@1, recall@5, mrr@10, ndcg@10}}}",
    "assistant": "{status, paths: {template|llm: {refusal_rate, answer_rate, compliance_rate, "
    "section_completeness, n_prohibited, n_legitimate, failures}}}",
    "real_text": "{status, source, n, model_share, labels: {label: share}, by_sub_issue: {CFPB sub-issue: "
    "{n, label: share}}} - descriptive: how real CFPB narratives are labelled (no gold labels)",
    "plots": "list of PNG files written beside the report",
}

REPO_TEST_DATA = Path("tests/data")
log = logging.getLogger(__name__)


@dataclass
class EvalInputs:
    """Where the harness looks for models and data (defaults follow paths.py)."""

    models_dir: Path = field(default_factory=paths.models_dir)
    data_dir: Path = field(default_factory=paths.data_dir)
    index_dir: Path = field(default_factory=paths.index_dir)
    realistic: Path = REPO_TEST_DATA / "eligibility_realistic.jsonl"
    # a second hand-written set (200 rows, letters and CFPB-style narratives too), for development
    dev: Path = REPO_TEST_DATA / "eligibility_dev.jsonl"
    # 24 one-line consumer messages (6 per label), hand-written from the policy: a model that
    # reads length as a label calls most of them insufficient_information
    short: Path = REPO_TEST_DATA / "eligibility_short.jsonl"
    retrieval_heldout: Path = REPO_TEST_DATA / "retrieval_heldout.jsonl"
    # Real CFPB complaint narratives (public domain, read in place, never copied or trained on).
    real_complaints: Path = field(default_factory=lambda: Path(os.environ.get(
        "CREDITAI_CFPB_COMPLAINTS", "../shared/data/cfpb_credit_reporting/complaints.jsonl")))
    real_sample: int = 300
    redteam: Path = REPO_TEST_DATA / "redteam.jsonl"
    # Request-screening sets written blind from the policy and the category list. dev, dev2 (the
    # first blind set, scored for two candidates) and dev3 (hard look-alikes) are used to choose
    # (threshold, data, rules); blind (220 rows) and blind3 (200) never are: scored once per
    # candidate and reported.
    guard_sets: dict[str, Path] = field(default_factory=lambda: {
        "blind": REPO_TEST_DATA / "guard_blind.jsonl", "blind3": REPO_TEST_DATA / "guard_blind3.jsonl",
        "dev": REPO_TEST_DATA / "guard_dev.jsonl", "dev2": REPO_TEST_DATA / "guard_dev2.jsonl",
        "dev3": REPO_TEST_DATA / "guard_dev3.jsonl", "redteam_dev": REPO_TEST_DATA / "redteam.jsonl"})
    threshold: float = 0.7

    @property
    def classifier_dir(self) -> Path:
        return self.models_dir / "classifier"

    @property
    def embeddings_dir(self) -> Path:
        return self.models_dir / "embeddings"

    @property
    def guard_dir(self) -> Path:
        return self.models_dir / "guard"

    def screener(self) -> Any:
        """The trained request screener of these inputs, or False (rules only) when there is none."""
        from creditai.inference.screener import RequestScreener

        try:
            return RequestScreener.load(self.guard_dir)
        except CreditAIError:
            return False


def _section(fn: Callable[[EvalInputs], dict[str, Any]], inputs: EvalInputs) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        out = fn(inputs)
    except CreditAIError as exc:
        out = {"status": "error", "reason": str(exc)}
    except Exception as exc:  # one broken section must not lose the rest of the report
        log.exception("evaluation section %s failed", fn.__name__)
        out = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
    out["seconds"] = round(time.perf_counter() - start, 2)
    return out


def _read(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    from creditai.data.io import read_jsonl

    return read_jsonl(path, required=required, labels=None)


def _labelled_sets(inputs: EvalInputs) -> dict[str, list[dict[str, Any]]]:
    sets = {}
    test = inputs.data_dir / "model2_classifier.test.jsonl"
    if test.is_file():
        sets["generated_test"] = _read(test, ("text", "label"))
    if inputs.realistic.is_file():
        sets["realistic"] = _read(inputs.realistic, ("text", "label"))
    if inputs.dev.is_file():
        sets["dev"] = _read(inputs.dev, ("text", "label"))
    if inputs.short.is_file():
        sets["short"] = _read(inputs.short, ("text", "label"))
    return sets


def evaluate_classifier(inputs: EvalInputs) -> dict[str, Any]:
    """Fine-tuned model (alone and with the rules fallback), rules and TF-IDF on each labelled set."""
    from creditai.data.rules import RuleClassifier
    from creditai.inference.baselines import tfidf_baseline
    from creditai.inference.classifier import Classifier
    from creditai.inference.eligibility import EligibilityPredictor

    sets = _labelled_sets(inputs)
    if not sets:
        return {"status": "missing", "reason": "no labelled test data (run `creditai data generate`)"}
    out: dict[str, Any] = {"status": "ok", "datasets": {}, "fallback": {}, "baselines": {"rules": {}, "tfidf": {}}}
    rules = RuleClassifier()
    train_file = inputs.data_dir / "model2_classifier.train.jsonl"
    tfidf = tfidf_baseline(_read(train_file, ("text", "label"))) if train_file.is_file() else None
    model = None
    if (inputs.classifier_dir / "config.json").is_file():
        model = Classifier.load(inputs.classifier_dir)
        predictor = EligibilityPredictor(inputs.classifier_dir, threshold=inputs.threshold)
        out["model_dir"] = str(inputs.classifier_dir)
        meta = json.loads((inputs.classifier_dir / "metadata.json").read_text()) if (inputs.classifier_dir / "metadata.json").is_file() else {}
        out["model_version"] = meta.get("created_at")
        out["inference"] = {"backend": model.backend, "int8": model.quantized}  # as served (backend auto)
    else:
        out["status"] = "missing"
        out["reason"] = f"no trained classifier in {inputs.classifier_dir}; baselines only"
    for name, rows in sets.items():
        texts, gold = [r["text"] for r in rows], [r["label"] for r in rows]
        out["baselines"]["rules"][name] = classification_metrics(gold, [p.label for p in rules.predict_many(texts)], LABELS)
        if tfidf is not None:
            out["baselines"]["tfidf"][name] = classification_metrics(gold, list(tfidf.predict(texts)), LABELS)
        if model is not None:
            preds = model.predict(texts)
            probs = np.array([[p.probabilities[lab] for lab in LABELS] for p in preds])
            m = classification_metrics(gold, [p.label for p in preds], LABELS, probs)
            m["reliability"] = reliability_bins(probs, [LABELS.index(g) for g in gold])
            out["datasets"][name] = m
            combined = predictor.predict(texts)
            fb = classification_metrics(gold, [p.label for p in combined], LABELS)
            fb["rules_share"] = sum(p.source == "rules" for p in combined) / max(len(combined), 1)
            out["fallback"][name] = fb
    return out


def evaluate_retrieval_section(inputs: EvalInputs) -> dict[str, Any]:
    """recall@1/5, MRR@10, nDCG@10 for BM25, base MiniLM, fine-tuned MiniLM and hybrid."""
    from creditai.kb.embed import load_base_embedder, load_embedder
    from creditai.kb.evaluate import evaluate_retrieval

    if not inputs.retrieval_heldout.is_file():
        return {"status": "missing", "reason": f"{inputs.retrieval_heldout} not found"}
    kb = _load_kb(inputs)
    if kb is None:
        return {"status": "missing", "reason": f"no knowledge-base index in {inputs.index_dir} (run `creditai kb build`)"}
    queries = _read(inputs.retrieval_heldout, ("query", "relevant"))
    embedders = {"base": load_base_embedder()}
    modes = ["bm25", "base", "finetuned", "hybrid"]
    out: dict[str, Any] = {"status": "ok"}
    if (inputs.embeddings_dir / "metadata.json").is_file():
        embedders["finetuned"] = load_embedder(inputs.embeddings_dir)
    else:
        modes.remove("finetuned")
        embedders["finetuned"] = embedders["base"]
        out["note"] = f"no fine-tuned embeddings in {inputs.embeddings_dir}: hybrid uses the base encoder"
    result = evaluate_retrieval(queries, kb, modes=tuple(modes), k=10, embedders=embedders)
    out.update(queries=result["queries"], k=result["k"], modes={m: result[m] for m in modes})
    return out


def evaluate_assistant(inputs: EvalInputs) -> dict[str, Any]:
    """Red-team refusal rate, answer compliance and section completeness per composing path."""
    from creditai.assistant.llm import load_llm
    from creditai.assistant.pipeline import Analyzer
    from creditai.assistant.redteam import run_redteam
    from creditai.inference.eligibility import EligibilityPredictor

    if not inputs.redteam.is_file():
        return {"status": "missing", "reason": f"{inputs.redteam} not found"}
    rows = _read(inputs.redteam, ("text", "kind"))
    classifier = EligibilityPredictor(inputs.classifier_dir, threshold=inputs.threshold)
    kb = _load_kb(inputs)
    screener = inputs.screener()
    out: dict[str, Any] = {"status": "ok", "paths": {
        "template": run_redteam(rows, analyzer=Analyzer(classifier=classifier, kb=kb, llm=False, screener=screener))}}
    llm = load_llm(inputs.models_dir / "assistant_lora", force=True)
    if llm is not None:
        out["paths"]["llm"] = run_redteam(rows, analyzer=Analyzer(classifier=classifier, kb=kb, llm=llm,
                                                                  screener=screener))
    else:
        out["note"] = f"no LLM weights in {inputs.models_dir / 'assistant_lora'}: template path only"
    return out


def evaluate_guard(inputs: EvalInputs) -> dict[str, Any]:
    """Decline and over-refusal rates, per category, on each guard set, for the rules alone and
    for rules + the learned screener. Screening precedes composing, so the template and LLM paths
    take the same decisions; the red-team section scores both paths' answers."""
    from creditai.assistant.pipeline import Analyzer
    from creditai.assistant.redteam import run_guard_set

    sets = {name: _read(path, ("text", "kind")) for name, path in inputs.guard_sets.items() if path.is_file()}
    if not sets:
        return {"status": "missing", "reason": "no guard sets found"}
    screener = inputs.screener()
    guards = {"rules": False, "rules+model": screener} if screener else {"rules": False}
    out: dict[str, Any] = {"status": "ok", "screener": screener.info() if screener else {"loaded": False},
                           "sets": {name: str(path) for name, path in inputs.guard_sets.items()}, "paths": {}}
    for guard_name, s in guards.items():
        analyzer = Analyzer(llm=False, screener=s)  # screening loads neither the classifier nor the KB
        out["paths"][guard_name] = {name: run_guard_set(rows, analyzer=analyzer) for name, rows in sets.items()}
    if screener:
        out["screening_ms"] = _screening_ms(screener, [r["text"] for rows in sets.values() for r in rows])
    return out


def _screening_ms(screener: Any, texts: list[str]) -> dict[str, float]:
    """Latency of the screener on one request at a time (p50/p95 ms) on this machine."""
    import numpy as np

    times = []
    for t in texts:
        start = time.perf_counter()
        screener.score([t])
        times.append((time.perf_counter() - start) * 1000)
    return {"p50": round(float(np.percentile(times, 50)), 2), "p95": round(float(np.percentile(times, 95)), 2),
            "n": len(times)}


def _load_kb(inputs: EvalInputs) -> Any:
    """The built index when there is one, else None (the analyzer then indexes knowledge_base/ on the fly)."""
    from creditai.kb.search import KnowledgeBase

    return KnowledgeBase.load(inputs.index_dir) if inputs.index_dir.exists() else None


def evaluate_real_text(inputs: EvalInputs) -> dict[str, Any]:
    """How the served classifier labels real CFPB complaint narratives, per CFPB sub-issue.

    The CFPB labels are not our labels, so this is descriptive, not a score: it shows, for
    example, whether "Information belongs to someone else" complaints come out as disputable.
    """
    from collections import Counter, defaultdict

    from creditai.inference.eligibility import EligibilityPredictor

    if not inputs.real_complaints.is_file():
        return {"status": "missing", "reason": f"{inputs.real_complaints} not found (set CREDITAI_CFPB_COMPLAINTS)"}
    rows = [r for _, r in iter_jsonl(inputs.real_complaints)
            if r.get("sub_product") == "Credit reporting" and isinstance(r.get("narrative"), str)]
    # A deterministic sample: complaint ids ordered by a hash, not by date.
    rows.sort(key=lambda r: hashlib.sha256(str(r.get("complaint_id")).encode()).hexdigest())
    rows = rows[: inputs.real_sample]
    preds = EligibilityPredictor(inputs.classifier_dir, threshold=inputs.threshold).predict([r["narrative"] for r in rows])
    by_issue: dict[str, Counter] = defaultdict(Counter)
    for r, p in zip(rows, preds):
        by_issue[r.get("sub_issue") or r.get("issue") or "?"][p.label] += 1
    top = sorted(by_issue.items(), key=lambda kv: -sum(kv[1].values()))[:8]
    overall = Counter(p.label for p in preds)
    return {
        "status": "ok",
        "source": str(inputs.real_complaints),
        "n": len(rows),
        "model_share": sum(p.source == "model" for p in preds) / max(len(preds), 1),
        "labels": {lab: overall[lab] / max(len(preds), 1) for lab in LABELS},
        "by_sub_issue": {issue: {"n": sum(c.values()), **{lab: c[lab] / sum(c.values()) for lab in LABELS}}
                         for issue, c in top},
    }


SECTIONS: dict[str, Callable[[EvalInputs], dict[str, Any]]] = {
    "classifier": evaluate_classifier,
    "retrieval": evaluate_retrieval_section,
    "assistant": evaluate_assistant,
    "guard": evaluate_guard,
    "real_text": evaluate_real_text,
}


def evaluate(inputs: EvalInputs | None = None, out_dir: Path | None = None, plots: bool = True) -> dict[str, Any]:
    """Run every section, write the JSON and Markdown reports (and plots); return the report."""
    from creditai.report import render_markdown, render_plots

    inputs = inputs or EvalInputs()
    out_dir = Path(out_dir or paths.reports_dir())
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "creditai_version": __version__,
    }
    for name, fn in SECTIONS.items():
        report[name] = _section(fn, inputs)
    report["missing"] = [f"{k}: {v['reason']}" for k, v in report.items()
                         if isinstance(v, dict) and v.get("status") in ("missing", "error")]
    out_dir.mkdir(parents=True, exist_ok=True)
    report["plots"] = render_plots(report, out_dir) if plots else []
    write_json(out_dir / "AI_EVALUATION_REPORT.json", report)
    (out_dir / "AI_EVALUATION_REPORT.md").write_text(render_markdown(report), encoding="utf-8")
    return report


def lookup(report: dict[str, Any], key: str) -> Any:
    """Value at a dotted path, e.g. `classifier.datasets.realistic.macro_f1`; None if absent."""
    node: Any = report
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# Short gate names for the common keys: `classifier.realistic.macro_f1` reads the model's
# score on the realistic set.
GATE_ALIASES = {
    "classifier.realistic": "classifier.datasets.realistic",
    "classifier.generated_test": "classifier.datasets.generated_test",
    "retrieval.hybrid": "retrieval.modes.hybrid",
    "assistant.template": "assistant.paths.template",
}


def check_gates(report: dict[str, Any], gates: list[str]) -> list[str]:
    """`KEY=VALUE` minimums; returns one failure message per unmet or absent key."""
    failures = []
    for gate in gates:
        if "=" not in gate:
            raise CreditAIError(f"--fail-under {gate!r}: expected KEY=VALUE")
        key, raw = gate.split("=", 1)
        try:
            minimum = float(raw)
        except ValueError:
            raise CreditAIError(f"--fail-under {gate!r}: {raw!r} is not a number") from None
        full = key
        for short, long in GATE_ALIASES.items():
            if key.startswith(short + "."):
                full = long + key[len(short):]
        value = lookup(report, full)
        if not isinstance(value, (int, float)):
            failures.append(f"{key}: not in the report")
        elif value < minimum:
            failures.append(f"{key}: {value:.4f} < {minimum}")
    return failures
