"""Fast CPU inference for the trained eligibility classifier.

`Classifier.load(model_dir)` reads a directory written by `creditai.train.classifier`
(weights, tokenizer, calibration.json, metadata.json) and `.predict(texts)` returns
calibrated `Prediction`s.

Backends: "torch" (transformers, optionally int8 dynamic quantization of the nn.Linear
layers) and "onnx" (ONNX Runtime on the exported graph, optionally int8; needs the `onnx`
extra). "auto", the default, loads what the trainer chose and verified: ONNX int8 when it
kept test macro-F1 within 0.5 point of fp32, else torch int8 under the same test, else fp32
(metadata.json -> inference, decided in `creditai.train.classifier._choose_inference`);
`quantize=True/False` overrides the precision. A missing ONNX graph is exported once into
the model directory, or a cache folder when it is read-only.

Batches are sorted by token length to cut padding. With ONNX and more than one thread, a
single batch runs on all threads (latency) while several batches run side by side, one
thread each, on a second single-threaded session (throughput: small matrices keep one core
busier than two). A lock makes one instance safe to share between threads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from creditai import LABELS
from creditai.errors import CreditAIError, ModelNotFoundError
from creditai.inference.features import with_hints
from creditai.metrics import softmax
from creditai.train.common import write_atomically

CALIBRATION_FILE = "calibration.json"
ONNX_FILE = "model.onnx"
ONNX_INT8_FILE = "model.int8.onnx"
BACKENDS = ("auto", "torch", "onnx")
DEFAULT_BATCH_SIZE = 8  # the fastest micro-batch on 2 cores once rows are sorted by length


@dataclass
class Prediction:
    """One classified text: `confidence` is the calibrated probability of `label`."""

    label: str
    confidence: float
    probabilities: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "confidence": self.confidence, "probabilities": dict(self.probabilities)}


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, which containers narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def configure_threads(num_threads: int | None = None) -> int:
    """Intra-op threads: the explicit value, else $CREDITAI_NUM_THREADS, else the CPUs this process may use."""
    import torch

    n = num_threads or int(os.environ.get("CREDITAI_NUM_THREADS", "0") or 0) or min(
        torch.get_num_threads(), available_cpus()
    )
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def quantize_model(model: Any) -> Any:
    """int8 dynamic quantization of every nn.Linear (weights int8, activations quantized on the fly)."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization deprecation notices
        engines = torch.backends.quantized.supported_engines
        if "x86" in engines:
            torch.backends.quantized.engine = "x86"
        elif "fbgemm" in engines:
            torch.backends.quantized.engine = "fbgemm"
        elif "qnnpack" in engines:
            torch.backends.quantized.engine = "qnnpack"
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _check_model_folder(path: Path, metadata: dict[str, Any], labels: list[str], expected: Sequence[str]) -> None:
    """Refuse a folder that is not a trained classifier for these labels (a plain encoder, another
    task's model): it would load, then answer with labels the caller cannot return."""
    kind = metadata.get("kind")
    if kind != "classifier":
        raise CreditAIError(f"{path} is not a creditai classifier: metadata.json kind is {kind!r} "
                            "(expected 'classifier'; train one with `creditai train classifier`)")
    if sorted(labels) != sorted(expected):
        raise CreditAIError(f"{path}: the model's labels {labels} are not the expected labels {list(expected)}")


class Classifier:
    """A loaded sequence classifier, eligibility or request screening (use `Classifier.load`)."""

    def __init__(
        self,
        *,
        path: Path,
        tokenizer: Any,
        labels: list[str],
        temperature: float,
        max_length: int,
        backend: str,
        quantized: bool,
        metadata: dict[str, Any],
        model: Any = None,
        session: Any = None,
        num_threads: int = 1,
    ):
        self.path = path
        self.tokenizer = tokenizer
        self.labels = labels
        self.temperature = temperature
        self.max_length = max_length
        self.fact_hints = bool(metadata.get("config", {}).get("fact_hints", False))
        self.truncation = str(metadata.get("config", {}).get("truncation", "end"))
        self.backend = backend
        self.quantized = quantized
        self.metadata = metadata
        self._model = model
        self._session = session
        self.num_threads = num_threads
        self._pool: tuple[Any, ThreadPoolExecutor] | None = None  # (single-threaded session, workers)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        model_dir: str | os.PathLike,
        *,
        quantize: bool | None = None,
        backend: str = "auto",
        num_threads: int | None = None,
        expected_labels: Sequence[str] = LABELS,
    ) -> "Classifier":
        """Load a trained model directory whose labels are `expected_labels` (default: eligibility).

        backend: "auto" (the trainer's verified choice, metadata.json inference.backend; torch
        when ONNX Runtime is not installed), "torch" or "onnx". quantize: None follows the
        trainer's int8 decision for that backend, True/False forces int8 on or off.
        """
        path = Path(model_dir)
        if not (path / "config.json").is_file():
            raise ModelNotFoundError(
                f"no trained classifier in {path} (config.json missing): run `creditai train classifier` first"
            )
        if backend not in BACKENDS:
            raise CreditAIError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
        from transformers import AutoConfig, AutoTokenizer

        threads = configure_threads(num_threads)
        metadata = _read_json(path / "metadata.json")
        inference = metadata.get("inference", {})
        if backend == "auto":
            backend = inference.get("backend", "torch")
            if backend == "onnx":
                graph = _onnx_file(path, ONNX_INT8_FILE if inference.get("onnx_quantize") else ONNX_FILE)
                if not onnx_available(export=not graph.is_file()):
                    backend = "torch"  # the `onnx` extra is not installed here: the verified torch fallback
        calibration = _read_json(path / CALIBRATION_FILE)
        config = AutoConfig.from_pretrained(path)
        labels = [config.id2label[i] for i in range(config.num_labels)]
        _check_model_folder(path, metadata, labels, expected_labels)
        temperature = float(calibration.get("temperature") or 1.0)
        max_length = int(metadata.get("max_length") or metadata.get("config", {}).get("max_length") or 128)
        if quantize is None:  # models trained before ONNX was verified carry only "quantize"
            key = "onnx_quantize" if backend == "onnx" and "onnx_quantize" in inference else "quantize"
            quantize = bool(inference.get(key, False))
        tokenizer = AutoTokenizer.from_pretrained(path)
        common = dict(
            path=path, tokenizer=tokenizer, labels=labels, temperature=temperature,
            max_length=max_length, metadata=metadata, num_threads=threads,
        )
        if backend == "onnx":
            session = onnx_session(path, quantize=quantize, num_threads=threads)
            return cls(backend="onnx", quantized=quantize, session=session, **common)

        model = _load_torch_model(path)
        if quantize:
            model = quantize_model(model)
        return cls(backend="torch", quantized=quantize, model=model, **common)

    # ------------------------------------------------------------------ inference

    @property
    def version(self) -> str | None:
        return self.metadata.get("created_at")

    def predict_proba(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        """Calibrated probabilities, shape (len(texts), len(labels)), in input order."""
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        if not texts:
            return np.zeros((0, len(self.labels)))
        batch_size = max(1, int(batch_size))
        with self._lock:
            enc = with_hints(self.tokenizer, texts, max_length=self.max_length, hints=self.fact_hints,
                             truncation=self.truncation)
            ids, mask = enc["input_ids"], enc["attention_mask"]
            types = enc.get("token_type_ids")  # segment ids: hints are segment 0, the text segment 1
            order = sorted(range(len(texts)), key=lambda i: len(ids[i]))  # less padding per batch
            logits = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
            pad_id = self.tokenizer.pad_token_id or 0
            chunks, batches = [], []
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                width = max(len(ids[i]) for i in chunk)
                input_ids = np.full((len(chunk), width), pad_id, dtype=np.int64)
                attention = np.zeros((len(chunk), width), dtype=np.int64)
                segments = np.zeros((len(chunk), width), dtype=np.int64)
                for row, i in enumerate(chunk):
                    input_ids[row, : len(ids[i])] = ids[i]
                    attention[row, : len(mask[i])] = mask[i]
                    if types is not None:
                        segments[row, : len(types[i])] = types[i]
                chunks.append(chunk)
                batches.append((input_ids, attention, segments))
            for chunk, out in zip(chunks, self._forward_all(batches)):
                logits[chunk] = out
        return softmax(logits, self.temperature)

    def _forward_all(self, batches: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> list[np.ndarray]:
        """Logits of each batch: side by side on single-threaded ONNX workers when there are
        several batches and threads (measured on 2 cores: 155 vs 136 texts/s), else in turn."""
        if self._session is None or self.num_threads < 2 or len(batches) < 2:
            return [self._forward(*b) for b in batches]
        if self._pool is None:
            single = onnx_session(self.path, quantize=self.quantized, num_threads=1)
            self._pool = (single, ThreadPoolExecutor(self.num_threads, thread_name_prefix="creditai-onnx"))
        session, workers = self._pool
        return list(workers.map(lambda b: _run_onnx(session, *b), batches))

    def _forward(self, input_ids: np.ndarray, attention: np.ndarray, segments: np.ndarray) -> np.ndarray:
        if self._session is not None:
            return _run_onnx(self._session, input_ids, attention, segments)
        import torch

        with torch.inference_mode():
            out = self._model(input_ids=torch.from_numpy(input_ids), attention_mask=torch.from_numpy(attention),
                              token_type_ids=torch.from_numpy(segments))
            return out.logits.float().numpy()

    def predict(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE) -> list[Prediction]:
        """Label, calibrated confidence and per-label probabilities for each text."""
        probs = self.predict_proba(texts, batch_size=batch_size)
        out = []
        for p in probs:
            k = int(p.argmax())
            out.append(
                Prediction(
                    label=self.labels[k],
                    confidence=float(p[k]),
                    probabilities={label: float(p[j]) for j, label in enumerate(self.labels)},
                )
            )
        return out

    def predict_one(self, text: str) -> Prediction:
        return self.predict([text])[0]


# ---------------------------------------------------------------------- ONNX


def onnx_available(*, export: bool = True) -> bool:
    """Whether ONNX Runtime (and, with `export`, the onnx exporter) can be imported: the `onnx` extra."""
    import importlib

    try:
        for name in ("onnxruntime", "onnx")[: 2 if export else 1]:
            importlib.import_module(name)
    except ImportError:
        return False
    return True


def _run_onnx(session: Any, input_ids: np.ndarray, attention: np.ndarray, segments: np.ndarray) -> np.ndarray:
    feeds = {"input_ids": input_ids, "attention_mask": attention, "token_type_ids": segments}
    names = {i.name for i in session.get_inputs()}
    return session.run(["logits"], {k: v for k, v in feeds.items() if k in names})[0]


def onnx_session(path: Path, *, quantize: bool, num_threads: int) -> Any:
    """An ONNX Runtime CPU session for the classifier at `path` (fp32 or int8), exporting and
    quantizing the graph first when the files are missing."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise CreditAIError("backend 'onnx' needs onnxruntime: pip install 'creditai[onnx]'") from None
    model_file = _onnx_file(path, ONNX_INT8_FILE if quantize else ONNX_FILE)
    if not model_file.is_file():
        fp32 = _onnx_file(path, ONNX_FILE)
        if not fp32.is_file():
            _export_onnx(path, fp32)
        if quantize:
            _quantize_onnx(fp32, model_file)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = num_threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(model_file), opts, providers=["CPUExecutionProvider"])


def _quantize_onnx(fp32: Path, target: Path) -> None:
    """int8 dynamic quantization of the graph `fp32` into `target` (atomically)."""
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        raise CreditAIError("int8 ONNX needs the `onnx` package: pip install onnx") from None

    def write(tmp: Path) -> None:
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # its "consider pre-processing" advice, logged on the root logger
        try:
            # one scale per weight row: on a trained classifier it kept 97-99% of fp32's labels
            # where one scale per matrix kept 95-98%, at the same speed
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.setLevel(level)

    write_atomically(target, write)


def _onnx_file(path: Path, name: str) -> Path:
    """The ONNX file `name` of the model at `path`: the one beside the weights when it exists
    (exported earlier, or shipped in a read-only folder), else where this process may write it."""
    beside = path / name
    return beside if beside.is_file() else _onnx_target(path, name)


def _onnx_target(path: Path, name: str = ONNX_FILE) -> Path:
    """Where this process writes the ONNX file `name` of the model at `path`: beside the
    weights, or in a cache folder when the model folder is read-only."""
    if os.access(path, os.W_OK):
        return path / name
    # keyed by the folder and its weights: stable across processes (str hash() is salted per
    # process) and new when the model is retrained in place
    weights = path / "model.safetensors"
    stat = weights.stat() if weights.is_file() else None
    key = hashlib.sha256(f"{path.resolve()}|{stat and (stat.st_size, stat.st_mtime_ns)}".encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "creditai" / "onnx"
    return cache / key / name


def _load_torch_model(path: Path) -> Any:
    """The fp32 sequence-classification model at `path`, in eval mode, without transformers' load bar."""
    import torch

    from creditai.basemodels import quiet_loading
    from creditai.inference.pooling import load_sequence_classifier

    with quiet_loading():
        return load_sequence_classifier(path, dtype=torch.float32).eval()


def _export_onnx(path: Path, target: Path) -> None:
    """Export the classifier at `path` to ONNX at `target` (atomically)."""
    import torch

    try:
        import onnx  # noqa: F401  (torch.onnx.export needs it)
    except ImportError:
        raise CreditAIError("backend 'onnx' needs the `onnx` package to export the model: pip install onnx") from None
    model = _load_torch_model(path)
    dummy = torch.ones(1, 8, dtype=torch.long)
    # token_type_ids is an input: with fact hints the hints are segment 0 and the text segment 1
    # (without it the graph would bake in all-zero segments and disagree with the torch backend)
    names = ["input_ids", "attention_mask", "token_type_ids"]

    def write(tmp: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model,
                (dummy, dummy, torch.zeros_like(dummy)),
                str(tmp),
                input_names=names,
                output_names=["logits"],
                dynamic_axes={**{n: {0: "batch", 1: "seq"} for n in names}, "logits": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )

    write_atomically(target, write)
