"""The one-command offline pipeline: data -> classifier -> guard -> embeddings -> KB index -> SFT -> evaluate.

Each stage has a fingerprint of its inputs (config, data hashes, code of the generator);
a stage whose fingerprint and outputs are unchanged is skipped unless `force`.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from creditai import paths
from creditai.basemodels import resolve_model
from creditai.config import load_config
from creditai.errors import CreditAIError, ModelNotFoundError
from creditai.train.common import dataset_hashes, read_metadata, write_json

STATE_FILE = "pipeline_state.json"
SOURCE_ROOT = Path(__file__).resolve().parent


@dataclass
class PipelineOptions:
    """What to run and where; `quick` is a small smoke run in separate folders."""

    quick: bool = False
    force: bool = False
    seed: int = 42
    classifier_count: int = 1500
    embedding_count: int = 1000
    sft_count: int = 1000
    request_count: int = 3000
    root: Path = Path(".")
    skip: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.quick:
            self.classifier_count, self.embedding_count, self.sft_count, self.request_count = 240, 200, 40, 300

    @property
    def tag(self) -> str:
        return "quick" if self.quick else ""

    def _under(self, default: Path) -> Path:
        return default.parent / "quick" / default.name if self.quick else default

    @property
    def data_dir(self) -> Path:
        return self._under(paths.data_dir())

    @property
    def models_dir(self) -> Path:
        return self._under(paths.models_dir())

    @property
    def index_dir(self) -> Path:
        return self._under(paths.index_dir())

    @property
    def reports_dir(self) -> Path:
        return paths.reports_dir() / "quick" if self.quick else paths.reports_dir()


@dataclass
class StageResult:
    """One row of the summary table."""

    name: str
    status: str  # ran | skipped | failed
    seconds: float = 0.0
    output: str = ""
    metric: str = ""
    note: str = ""


def _fingerprint(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _code_hash(*rel: str) -> str:
    h = hashlib.sha256()
    for r in rel:
        for f in sorted((SOURCE_ROOT / r).rglob("*.py")) if (SOURCE_ROOT / r).is_dir() else [SOURCE_ROOT / r]:
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _dir_hash(dirs: list[Path]) -> str:
    h = hashlib.sha256()
    for d in dirs:
        for f in sorted(d.rglob("*")) if d.is_dir() else []:
            if f.is_file():
                h.update(str(f).encode() + f.read_bytes())
    return h.hexdigest()[:16]


class Pipeline:
    """Runs the stages in order and keeps the fingerprint state between runs."""

    def __init__(self, opts: PipelineOptions, log: Callable[[str], None] = print):
        self.opts, self.log = opts, log
        self.state_path = opts.reports_dir / STATE_FILE
        self.state: dict[str, str] = {}
        if self.state_path.is_file() and not opts.force:
            self.state = json.loads(self.state_path.read_text())
        self.results: list[StageResult] = []

    # -- stage plumbing ---------------------------------------------------------------
    def _run(self, name: str, fingerprint: str | None, outputs: list[Path], fn: Callable[[], StageResult]) -> StageResult:
        if name in self.opts.skip:
            res = StageResult(name, "skipped", note="--skip")
        elif fingerprint and self.state.get(name) == fingerprint and all(p.exists() for p in outputs):
            res = StageResult(name, "skipped", output=", ".join(map(str, outputs)), note="inputs unchanged (--force reruns)")
        else:
            self.log(f"[pipeline] {name} ...")
            start = time.perf_counter()
            res = fn()
            res.seconds = round(time.perf_counter() - start, 1)
            if fingerprint and res.status == "ran":
                self.state[name] = fingerprint
                write_json(self.state_path, self.state)
        self.results.append(res)
        return res

    def _config(self, kind: str, file: str, output: Path, extra: dict[str, Any] | None = None,
                split_key: str | None = None):
        d = self.opts.data_dir
        sets: dict[str, Any] = {"output_dir": str(output)}
        split_files = {
            "classifier": ("model2_classifier.train.jsonl", "model2_classifier.valid.jsonl", "model2_classifier.test.jsonl"),
            "guard": ("requests_train.jsonl", "requests_val.jsonl", "requests_test.jsonl"),
            "embeddings": ("model3_pairs.train.jsonl", "model3_pairs.valid.jsonl", None),
            "sft": ("model1_sft.train.jsonl", "model1_sft.valid.jsonl", None),
        }[split_key or kind]
        for key, fname in zip(("train_files", "valid_files", "test_files"), split_files):
            sets[key] = [str(d / fname)] if fname else []
        if split_key == "guard" and paths.authored_requests().is_file():
            sets["train_files"].append(str(paths.authored_requests()))  # hand-written rows: training only
        sets.update({"train_file": None, "valid_file": None, "test_file": None})
        sets.update(extra or {})
        return load_config(kind, Path("configs") / file, sets, env={k: v for k, v in os.environ.items() if k != "CONFIG"})

    # -- stages -----------------------------------------------------------------------
    def data(self) -> StageResult:
        from creditai.data.generator import write_datasets

        o = self.opts
        fp = _fingerprint([o.seed, o.classifier_count, o.embedding_count, o.sft_count, o.request_count,
                           _code_hash("data", "kb/pairs.py", "assistant/composer.py"), _dir_hash(paths.knowledge_base_dirs())])

        def run() -> StageResult:
            files = write_datasets(o.data_dir, seed=o.seed, classifier_count=o.classifier_count,
                                   embedding_count=o.embedding_count, sft_count=o.sft_count,
                                   request_count=o.request_count)
            return StageResult("data", "ran", output=str(o.data_dir), metric=f"{len(files)} files")

        return self._run("data", fp, [o.data_dir / "model2_classifier.train.jsonl"], run)

    def _train(self, name: str, kind: str, file: str, quick_sets: dict[str, Any], metric: Callable[[dict], str],
               split_key: str | None = None) -> StageResult:
        out = self.opts.models_dir / name
        try:
            cfg = self._config(kind, file, out, quick_sets if self.opts.quick else None, split_key=split_key)
        except CreditAIError as exc:
            problem = str(exc)
            return self._run(name, None, [], lambda: StageResult(name, "failed", note=problem))
        fp = _fingerprint([cfg.model_dump(mode="json"), dataset_hashes(cfg.data_files()), _code_hash(f"train/{kind}.py")])

        def run() -> StageResult:
            import importlib

            module = importlib.import_module(f"creditai.train.{kind}")
            path = getattr(module, f"train_{kind}")(cfg, base_model=resolve_model(cfg.model_id))
            return StageResult(name, "ran", output=str(path), metric=metric(read_metadata(path) or {}))

        return self._run(name, fp, [out / "metadata.json"], run)

    def classifier(self) -> StageResult:
        def metric(meta: dict) -> str:
            f1 = meta.get("metrics", {}).get("test_macro_f1")
            return f"test macro-F1 {f1:.3f}" if f1 is not None else ""

        return self._train("classifier", "classifier", "model2_classifier.yaml",
                           {"epochs": 1, "max_length": 64}, metric)

    def guard(self) -> StageResult:
        """The learned request screener (the guard's model layer), same trainer as the classifier."""
        def metric(meta: dict) -> str:
            acc = meta.get("metrics", {}).get("test_accuracy")
            return f"test accuracy {acc:.3f}" if acc is not None else ""

        return self._train("guard", "classifier", "guard_classifier.yaml", {"epochs": 1, "max_length": 64}, metric,
                           split_key="guard")

    def embeddings(self) -> StageResult:
        def metric(meta: dict) -> str:
            after = meta.get("metrics", {}).get("valid_after", {})
            return f"valid nDCG@10 {after['ndcg@10']:.3f}" if "ndcg@10" in after else ""

        return self._train("embeddings", "embeddings", "model3_embeddings.yaml", {"epochs": 1}, metric)

    def index(self) -> StageResult:
        from creditai.kb.embed import load_embedder
        from creditai.kb.search import build_index

        emb_dir = self.opts.models_dir / "embeddings"

        def run() -> StageResult:
            embedder = load_embedder(emb_dir if (emb_dir / "metadata.json").is_file() else None)
            stats = build_index(paths.knowledge_base_dirs(), self.opts.index_dir, embedder=embedder)
            return StageResult("kb-index", "ran", output=str(self.opts.index_dir), metric=f"{stats.chunks} chunks",
                               note=f"{stats.added} added, {stats.updated} updated, {stats.removed} removed, "
                                    f"{stats.skipped} skipped; {stats.embedded} chunks embedded")

        # Incremental by content hash inside build_index, so it always runs.
        return self._run("kb-index", None, [], run)

    def sft(self) -> StageResult:
        try:
            cfg = self._config("sft", "model1_sft_ultra_minimal.yaml" if self.opts.quick else "model1_sft.yaml",
                               self.opts.models_dir / "assistant_lora")
            resolve_model(cfg.model_id)
        except ModelNotFoundError:
            return self._run("sft", None, [], lambda: StageResult(
                "sft", "skipped", note="no LLM weights on this machine (set QWEN_MODEL_ID to a local model directory)"))
        return self._train("assistant_lora", "sft", "model1_sft.yaml", {"epochs": 1, "max_steps": 5}, lambda m: "")

    def evaluate(self) -> StageResult:
        from creditai.evaluate import EvalInputs, evaluate

        def run() -> StageResult:
            inputs = EvalInputs(models_dir=self.opts.models_dir, data_dir=self.opts.data_dir, index_dir=self.opts.index_dir)
            report = evaluate(inputs, self.opts.reports_dir)
            f1 = report.get("classifier", {}).get("datasets", {}).get("realistic", {}).get("macro_f1")
            r5 = report.get("retrieval", {}).get("modes", {}).get("hybrid", {}).get("recall@5")
            metric = ", ".join(x for x in (f"realistic macro-F1 {f1:.3f}" if f1 is not None else "",
                                           f"hybrid recall@5 {r5:.3f}" if r5 is not None else "") if x)
            return StageResult("evaluate", "ran", output=str(self.opts.reports_dir / "AI_EVALUATION_REPORT.md"), metric=metric)

        return self._run("evaluate", None, [], run)

    def run(self) -> list[StageResult]:
        for stage in (self.data, self.classifier, self.guard, self.embeddings, self.index, self.sft, self.evaluate):
            res = stage()
            if res.status == "failed":
                self.log(f"[pipeline] {res.name} failed: {res.note}")
        return self.results
