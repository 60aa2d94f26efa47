"""Fine-tune the dispute-eligibility classifier (sequence classification on the base encoder).

`train_classifier(cfg)` trains with the Hugging Face Trainer on the config's train files,
evaluates on the validation files every epoch, keeps the best epoch by macro-F1, fits a
temperature on the validation logits, scores the test files and saves atomically to
`cfg.output_dir`:

    model.safetensors, config.json (id2label/label2id), tokenizer files,
    calibration.json, test_metrics.json, metadata.json

Speed choices for the 2-core CPU target (the default config trains in well under 3 min):
dynamic padding + length-grouped batches (no padding to max_length), frozen word
embeddings (a 30k x 384 matrix that 1k rows cannot usefully move, and the largest
optimizer update), bf16 autocast on CPUs with native bf16 (AVX512-BF16 / AMX), and
model-only checkpoints inside the temporary output folder.

Distributed runs (`torchrun` / `accelerate launch`) work unchanged: the Trainer shards the
data, the temporary folder is created by rank 0 and broadcast, and only rank 0 writes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import os
import shutil
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from creditai import metrics as shared_metrics
from creditai.metrics import expected_calibration_error, softmax
from creditai.basemodels import ResolvedModel, quiet_loading, resolve_model
from creditai.config import ClassifierConfig, check_data_files
from creditai.errors import ConfigError, DataError
from creditai.train.common import (
    training_arguments,
    Timer,
    atomic_output_dir,
    build_metadata,
    select_device,
    set_seed,
    write_json,
)

CALIBRATION_FILE = "calibration.json"
TEST_METRICS_FILE = "test_metrics.json"
MODEL_CARD_FILE = "README.md"
ECE_BINS = 15
# Dynamic int8 quantization is the default at inference only when it costs at most this
# much macro-F1 (in points, i.e. 0.5 = half a percentage point) on the test split.
QUANTIZE_MAX_F1_DROP = 0.5


# --------------------------------------------------------------------------- data


def _read_rows(path: Path, cfg: ClassifierConfig) -> list[dict[str, Any]]:
    """Rows of one JSONL file, validated by creditai.data.io (errors name file:line)."""
    from creditai.data.io import read_jsonl

    rows = read_jsonl(
        path,
        required=(cfg.text_field, cfg.label_field),
        labels=cfg.labels,
        text_field=cfg.text_field,
        label_field=cfg.label_field,
    )
    if not rows:
        raise DataError(path, None, "file has no rows")
    return rows


def load_split(files: Sequence[Path], cfg: ClassifierConfig) -> tuple[list[str], list[int]]:
    """Texts and label ids of every file of one split, in file order."""
    index = {label: i for i, label in enumerate(cfg.labels)}
    texts: list[str] = []
    labels: list[int] = []
    for f in files:
        for row in _read_rows(Path(f), cfg):
            texts.append(str(row[cfg.text_field]))
            labels.append(index[row[cfg.label_field]])
    return texts, labels


class _EncodedDataset:
    """Pre-tokenized rows (unpadded); the collator pads each batch to its longest row."""

    def __init__(self, encodings: dict[str, list[list[int]]], labels: Sequence[int]):
        self.encodings = encodings
        self.labels = list(labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, Any]:
        item = {k: v[i] for k, v in self.encodings.items()}
        item["labels"] = self.labels[i]
        return item


def _encode(tokenizer, texts: Sequence[str], labels: Sequence[int], max_length: int, sort: bool = False,
            hints: bool = False, truncation: str = "end"):
    from creditai.inference.features import with_hints

    enc = with_hints(tokenizer, texts, max_length=max_length, hints=hints, truncation=truncation)
    enc = {k: list(v) for k, v in enc.items()}
    labels = list(labels)
    if sort:  # evaluation only: similar lengths in a batch, labels travel with their rows
        order = sorted(range(len(labels)), key=lambda i: len(enc["input_ids"][i]))
        enc = {k: [v[i] for i in order] for k, v in enc.items()}
        labels = [labels[i] for i in order]
    return _EncodedDataset(enc, labels)


# --------------------------------------------------------------------------- metrics


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature minimising the NLL of softmax(logits / T) (bounded search on log T)."""
    from scipy.optimize import minimize_scalar

    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    if len(labels) == 0:
        return 1.0

    def nll(log_t: float) -> float:
        z = logits / math.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(labels)), labels].mean())

    res = minimize_scalar(nll, bounds=(math.log(0.05), math.log(20.0)), method="bounded", options={"xatol": 1e-4})
    return float(round(math.exp(res.x), 6))


def classification_metrics(logits: np.ndarray, labels: np.ndarray, label_names: Sequence[str]) -> dict[str, Any]:
    """creditai.metrics.classification_metrics over logits and label ids."""
    names = list(label_names)
    gold = [names[i] for i in np.asarray(labels).tolist()]
    pred = [names[i] for i in np.asarray(logits).argmax(axis=1).tolist()] if len(gold) else []
    return shared_metrics.classification_metrics(gold, pred, names)


def _compute_metrics(eval_pred) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    logits = eval_pred.predictions[0] if isinstance(eval_pred.predictions, tuple) else eval_pred.predictions
    pred = np.asarray(logits).argmax(axis=1)
    gold = np.asarray(eval_pred.label_ids)
    return {"accuracy": float(accuracy_score(gold, pred)), "macro_f1": float(f1_score(gold, pred, average="macro"))}


def class_weight_vector(labels: Sequence[int], n_classes: int) -> list[float]:
    """Inverse-frequency weights N / (K * n_c), normalised to mean 1 over the present classes."""
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=n_classes).astype(np.float64)
    n = counts.sum()
    w = np.where(counts > 0, n / (n_classes * np.maximum(counts, 1)), 0.0)
    present = w[counts > 0]
    if present.size:
        w = w / present.mean()
    return [float(x) for x in w]


# --------------------------------------------------------------------------- training


def _cpu_bf16_supported() -> bool:
    """Native bf16 matmuls on this CPU (AVX512-BF16 / AMX): autocast then speeds training ~1.6x."""
    if os.environ.get("CREDITAI_CPU_BF16", "1").lower() in {"0", "false", "no"}:
        return False
    try:
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported()) and _cpu_has_flag("avx512_bf16", "amx_bf16")
    except Exception:
        return False


def _cpu_has_flag(*flags: str) -> bool:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(f" {flag}" in text for flag in flags)


def _make_trainer_class():
    import torch
    import torch.nn.functional as F
    from transformers import Trainer

    class WeightedLossTrainer(Trainer):
        """Cross-entropy computed here (optionally class-weighted), mean per micro-batch."""

        loss_is_scaled_for_ga = False  # training_step divides by the accumulation steps

        def __init__(self, *args: Any, class_weights: list[float] | None = None, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._class_weights = None if class_weights is None else torch.tensor(class_weights, dtype=torch.float32)

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            logits = outputs["logits"] if isinstance(outputs, dict) else outputs[0]
            weight = None if self._class_weights is None else self._class_weights.to(logits.device)
            loss = F.cross_entropy(logits.float(), labels, weight=weight)
            return (loss, outputs) if return_outputs else loss

    return WeightedLossTrainer


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """A SIGTERM (kill, a scheduler's preemption) unwinds like Ctrl-C, so the temp folder is removed."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return

    def _raise(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _broadcast_path(path: Path | None) -> Path:
    """Rank 0's temporary folder, shared with every rank (no-op on a single process)."""
    from accelerate.utils import broadcast_object_list

    obj = [str(path) if path is not None else None]
    broadcast_object_list(obj, from_process=0)
    return Path(obj[0])


def train_classifier(
    cfg: ClassifierConfig,
    base_model: ResolvedModel | None = None,
    progress: bool = True,
    callbacks: list[Any] | None = None,
) -> Path:
    """Fine-tune, calibrate, test and atomically save the classifier; returns `cfg.output_dir`.

    `callbacks` are extra `transformers.TrainerCallback`s (tests use one to interrupt a run).
    """
    from accelerate import PartialState

    from creditai.inference.pooling import classifier_class
    from transformers import (
        AutoConfig,
        AutoTokenizer,
        DataCollatorWithPadding,
        TrainingArguments,
    )

    check_data_files(cfg)
    base = base_model or resolve_model(cfg.model_id)
    if cfg.num_layers:
        have = AutoConfig.from_pretrained(base.path).num_hidden_layers
        if cfg.num_layers > have:
            raise ConfigError(f"num_layers: {cfg.num_layers} is more than the {have} layers of {cfg.model_id}")
    labels = list(cfg.labels)
    final_dir = Path(cfg.output_dir)

    # Data first: a bad file fails in a second, before any model is loaded.
    train_texts, train_labels = load_split(cfg.train_files, cfg)
    if cfg.valid_files:
        valid_texts, valid_labels = load_split(cfg.valid_files, cfg)
    else:  # no validation file: hold out a stratified 10% of the training rows
        valid_texts, valid_labels, train_texts, train_labels = _holdout(train_texts, train_labels, cfg.seed)
    test_texts, test_labels = load_split(cfg.test_files, cfg) if cfg.test_files else (valid_texts, valid_labels)
    test_split = "test" if cfg.test_files else "valid"

    device = select_device()
    bf16 = device.bf16 or (device.device == "cpu" and _cpu_bf16_supported())
    device = dataclasses.replace(device, bf16=bf16)

    set_seed(cfg.seed)
    with quiet_loading():
        tokenizer = AutoTokenizer.from_pretrained(base.path)
        # num_hidden_layers below the base's keeps its first layers (the rest are not loaded)
        layers = {"num_hidden_layers": cfg.num_layers} if cfg.num_layers else {}
        model = classifier_class(cfg.pooling).from_pretrained(
            base.path,
            **layers,
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)},
            problem_type="single_label_classification",
        )
    _freeze_word_embeddings(model)

    train_ds = _encode(tokenizer, train_texts, train_labels, cfg.max_length, hints=cfg.fact_hints, truncation=cfg.truncation)
    valid_ds = _encode(tokenizer, valid_texts, valid_labels, cfg.max_length, sort=True, hints=cfg.fact_hints,
                       truncation=cfg.truncation)
    test_ds = _encode(tokenizer, test_texts, test_labels, cfg.max_length, sort=True, hints=cfg.fact_hints,
                       truncation=cfg.truncation)

    steps_eval = cfg.max_steps > 0  # a step budget may end before the first epoch does
    args = TrainingArguments(
        **{**training_arguments(cfg, final_dir.parent / f".{final_dir.name}.checkpoints", device, progress=progress),
           "bf16": bf16},  # output_dir replaced below
        eval_strategy="steps" if steps_eval else "epoch",
        save_strategy="steps" if steps_eval else "epoch",
        eval_steps=cfg.max_steps if steps_eval else None,
        save_steps=cfg.max_steps if steps_eval else None,
        save_only_model=True,
        save_total_limit=1,
        load_best_model_at_end=True,
        metric_for_best_model="macro_f1",
        greater_is_better=True,
        logging_strategy="epoch",
        train_sampling_strategy="group_by_length",
        log_level="warning",
    )
    state = PartialState()  # set up by TrainingArguments (one process, torchrun or accelerate)
    is_main = state.is_main_process

    outer = atomic_output_dir(final_dir) if is_main else contextlib.nullcontext(None)
    with _sigterm_as_exit(), outer as tmp_local:
        tmp = _broadcast_path(tmp_local)
        ckpt_dir = tmp / "checkpoints"
        args.output_dir = str(ckpt_dir)

        trainer_cls = _make_trainer_class()
        trainer = trainer_cls(
            model=model,
            args=args,
            train_dataset=train_ds,
            eval_dataset=valid_ds,
            processing_class=tokenizer,
            data_collator=DataCollatorWithPadding(tokenizer),
            compute_metrics=_compute_metrics,
            callbacks=list(callbacks or []),
            class_weights=class_weight_vector(train_labels, len(labels)) if cfg.class_weights else None,
        )
        with Timer() as timer:
            train_result = trainer.train()
        best_valid = _best_eval(trainer)

        # Weights, config (id2label/label2id) and tokenizer; the Trainer writes on rank 0 only.
        with quiet_loading():
            trainer.save_model(str(tmp))
        state.wait_for_everyone()
        if is_main:
            shutil.rmtree(ckpt_dir, ignore_errors=True)  # only the final model is kept
            (tmp / "training_args.bin").unlink(missing_ok=True)
            # Score the saved model as it will be served: fp32, no autocast, reloaded from disk.
            eval_device = "cuda" if device.device == "cuda" else "cpu"
            saved = _load_saved(tmp, eval_device)
            valid_logits = _predict_logits(saved, tokenizer, valid_ds, cfg.eval_batch_size)
            valid_gold = np.asarray(valid_ds.labels)
            temperature = fit_temperature(valid_logits, valid_gold) if cfg.calibrate else 1.0
            test_logits = _predict_logits(saved, tokenizer, test_ds, cfg.eval_batch_size)
            test_gold = np.asarray(test_ds.labels)

            test_metrics = classification_metrics(test_logits, test_gold, labels)
            test_metrics.update(
                split=test_split,
                ece_before=expected_calibration_error(softmax(test_logits), test_gold),
                ece_after=expected_calibration_error(softmax(test_logits, temperature), test_gold),
                temperature=temperature,
                ece_bins=ECE_BINS,
            )
            calibration = {
                "method": "temperature_scaling" if cfg.calibrate else "none",
                "temperature": temperature,
                "fitted_on": "valid",
                "valid_ece_before": expected_calibration_error(softmax(valid_logits), valid_gold),
                "valid_ece_after": expected_calibration_error(softmax(valid_logits, temperature), valid_gold),
                "test_ece_before": test_metrics["ece_before"],
                "test_ece_after": test_metrics["ece_after"],
                "bins": ECE_BINS,
            }
            inference = _choose_inference(saved.to("cpu"), tokenizer, test_ds, cfg, tmp,
                                          fp32_logits=test_logits if eval_device == "cpu" else None)
            test_metrics["quantized_macro_f1"] = inference.get("quantized_macro_f1")
            test_metrics["onnx_int8_macro_f1"] = inference.get("onnx_int8_macro_f1")
            for f in tmp.iterdir():  # safetensors writes 0600; the service may run as another user
                if f.is_file():
                    f.chmod(0o644)
            write_json(tmp / CALIBRATION_FILE, calibration)
            write_json(tmp / TEST_METRICS_FILE, test_metrics)
            metrics = {
                "train_loss": round(float(train_result.training_loss), 6),
                "epochs": float(cfg.epochs),
                "train_rows": len(train_labels),
                "valid_rows": len(valid_labels),
                "test_rows": len(test_labels),
                "valid_macro_f1": best_valid.get("eval_macro_f1"),
                "valid_accuracy": best_valid.get("eval_accuracy"),
                "valid_epochs": _eval_history(trainer),
                "test_macro_f1": test_metrics["macro_f1"],
                "test_accuracy": test_metrics["accuracy"],
                "ece_before": test_metrics["ece_before"],
                "ece_after": test_metrics["ece_after"],
                "temperature": temperature,
            }
            write_json(
                tmp / "metadata.json",
                build_metadata(
                    kind="classifier",
                    base_model=base,
                    config=cfg,
                    data_files=cfg.data_files(),
                    metrics=metrics,
                    training_seconds=timer.seconds,
                    device=device,
                    labels=labels,
                    max_length=cfg.max_length,
                    calibration={"temperature": temperature, "file": CALIBRATION_FILE},
                    inference=inference,
                    best_checkpoint_epoch=_best_epoch(trainer),
                    num_processes=state.num_processes,
                ),
            )
            (tmp / MODEL_CARD_FILE).write_text(model_card(cfg, base.model_id, metrics, test_metrics, inference),
                                               encoding="utf-8")
        state.wait_for_everyone()
    state.wait_for_everyone()
    return final_dir


def model_card(cfg: ClassifierConfig, base_model: str, metrics: dict[str, Any], test: dict[str, Any],
               inference: dict[str, Any]) -> str:
    """The model folder's README.md: what it does, how it was trained, how it scores, its limits."""
    rows = "\n".join(f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |"
                      for label, v in test.get("per_class", {}).items())
    files = ", ".join(str(f) for f in cfg.train_files)
    return f"""# creditai classifier: {Path(cfg.output_dir).name}

Sequence classifier fine-tuned from `{base_model}` with `creditai train classifier`
(labels: {", ".join(f"`{x}`" for x in cfg.labels)}).

## Training
- data: {files} ({metrics["train_rows"]} rows; validation {metrics["valid_rows"]}, test {metrics["test_rows"]})
- field `{cfg.text_field}`, max_length {cfg.max_length} ({cfg.truncation} truncation), pooling `{cfg.pooling}`,
  {cfg.epochs:g} epochs, learning rate {cfg.learning_rate:g}, batch {cfg.batch_size}, seed {cfg.seed}
- temperature {metrics["temperature"]:.3f} fitted on the validation split; inference: {inference.get("reason", "")}

## Test split ({test.get("split", "test")}, generated: the same grammar as the training rows)
accuracy {metrics["test_accuracy"]:.3f}, macro-F1 {metrics["test_macro_f1"]:.3f}, ECE {metrics["ece_after"]:.3f}

| label | precision | recall | F1 | n |
| --- | --- | --- | --- | --- |
{rows}

## Limits
The test split comes from the same generator as the training data, so it overstates accuracy on text
written elsewhere: `creditai evaluate` scores hand-written and blind sets (reports/AI_EVALUATION_REPORT.md).
Decisions on consumer files need a human in the loop; this model does not give legal advice.
"""


def _holdout(texts: list[str], labels: list[int], seed: int):
    """Stratified 10% validation split (at least one row) from the training rows."""
    rng = np.random.default_rng(seed)
    by_label: dict[int, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    valid_idx: set[int] = set()
    for idx in by_label.values():
        k = max(1, round(len(idx) * 0.1)) if len(idx) > 1 else 0
        valid_idx.update(rng.choice(idx, size=k, replace=False).tolist())
    if not valid_idx:
        valid_idx = {0}
    keep = [i for i in range(len(labels)) if i not in valid_idx]
    vi = sorted(valid_idx)
    return [texts[i] for i in vi], [labels[i] for i in vi], [texts[i] for i in keep], [labels[i] for i in keep]


def _best_eval(trainer: Any) -> dict[str, Any]:
    """The validation metrics of the kept (best) evaluation."""
    evals = [e for e in trainer.state.log_history if "eval_macro_f1" in e]
    if not evals:
        return {}
    return max(evals, key=lambda e: e["eval_macro_f1"])  # first best wins, as in the Trainer


def _eval_history(trainer: Any) -> list[dict[str, float]]:
    return [
        {"epoch": e.get("epoch"), "macro_f1": e["eval_macro_f1"], "accuracy": e.get("eval_accuracy")}
        for e in trainer.state.log_history
        if "eval_macro_f1" in e
    ]


def _load_saved(path: Path, device: str) -> Any:
    import torch

    from creditai.inference.pooling import load_sequence_classifier

    with quiet_loading():
        model = load_sequence_classifier(path, dtype=torch.float32)
    return model.to(device).eval()


def _freeze_word_embeddings(model: Any) -> None:
    emb = model.get_input_embeddings()
    if emb is not None:
        emb.weight.requires_grad_(False)


def _best_epoch(trainer: Any) -> float | None:
    best = trainer.state.best_model_checkpoint
    if not best:
        return None
    step = int(Path(best).name.rsplit("-", 1)[-1])
    for entry in trainer.state.log_history:
        if entry.get("step") == step and "epoch" in entry:
            return float(entry["epoch"])
    return None


def _choose_inference(model: Any, tokenizer: Any, test_ds: _EncodedDataset, cfg: ClassifierConfig,
                      model_dir: Path, fp32_logits: np.ndarray | None = None) -> dict[str, Any]:
    """Decide the default inference backend and precision, each int8 variant only when it keeps macro-F1.

    Candidates, fastest first on a 2-core CPU: ONNX Runtime int8 (the graph exported into
    `model_dir` and quantized there), torch int8 dynamic quantization of the nn.Linear layers,
    torch fp32. An int8 variant qualifies when `cfg.quantize` and its macro-F1 on the generated
    test split is within QUANTIZE_MAX_F1_DROP points of fp32 (the hand-written realistic set
    is never used for model selection); every variant is scored on the CPU, fp32 included
    (`fp32_logits`: the test logits when they were already computed there).
    `Classifier.load(backend="auto")` reads the result from metadata.json -> inference:
    `backend`, `onnx_quantize` (for ONNX) and `quantize` (for torch, also the fallback where
    ONNX Runtime is not installed).
    """
    import copy

    from sklearn.metrics import f1_score

    def f1(logits: np.ndarray) -> float:
        return float(f1_score(test_ds.labels, logits.argmax(1), average="macro"))

    decision: dict[str, Any] = {
        "backend": "torch",
        "quantize": False,
        "onnx_quantize": False,
        "fp32_macro_f1": None,
        "quantized_macro_f1": None,
        "onnx_int8_macro_f1": None,
        "max_f1_drop_points": QUANTIZE_MAX_F1_DROP,
    }
    if not cfg.quantize:
        decision["reason"] = "quantize disabled in the config -> torch fp32"
        return decision
    reasons = []
    fp32 = f1(fp32_logits if fp32_logits is not None else _predict_logits(model, tokenizer, test_ds))
    decision["fp32_macro_f1"] = fp32
    try:
        from creditai.inference.classifier import quantize_model

        q_f1 = f1(_predict_logits(quantize_model(copy.deepcopy(model)), tokenizer, test_ds))
        decision.update(quantized_macro_f1=q_f1, quantize=(fp32 - q_f1) * 100 <= QUANTIZE_MAX_F1_DROP)
        reasons.append(f"torch int8 {q_f1:.4f}")
    except Exception as exc:  # quantization unavailable on this platform
        reasons.append(f"torch int8 unavailable ({exc})")
    try:
        import torch

        from creditai.inference.classifier import ONNX_FILE, onnx_available, onnx_session

        if not onnx_available():
            raise RuntimeError("onnxruntime / onnx not installed")
        session = onnx_session(model_dir, quantize=True, num_threads=torch.get_num_threads())
        o_f1 = f1(_predict_logits(session, tokenizer, test_ds))
        (model_dir / ONNX_FILE).unlink(missing_ok=True)  # the int8 graph ships; fp32 is re-exported on demand
        decision.update(onnx_int8_macro_f1=o_f1, onnx_quantize=(fp32 - o_f1) * 100 <= QUANTIZE_MAX_F1_DROP)
        reasons.append(f"ONNX int8 {o_f1:.4f}")
    except Exception as exc:
        reasons.append(f"ONNX int8 unavailable ({exc})")
    if decision["onnx_quantize"]:
        decision["backend"], chosen = "onnx", "ONNX int8"
    else:
        chosen = "torch int8" if decision["quantize"] else "torch fp32"
    decision["reason"] = (f"test macro-F1: fp32 {fp32:.4f}, " + ", ".join(reasons)
                          + f"; int8 allowed {QUANTIZE_MAX_F1_DROP} points below fp32 -> {chosen}")
    return decision


def _predict_logits(model: Any, tokenizer: Any, ds: _EncodedDataset, batch_size: int = 64) -> np.ndarray:
    """Logits of a torch model, or of an ONNX Runtime session, over an encoded split."""
    from creditai.inference.classifier import _run_onnx

    onnx = not hasattr(model, "parameters")
    if not onnx:
        import torch
    out = []
    for i in range(0, len(ds), batch_size):
        feats = [{k: v[i + j] for k, v in ds.encodings.items()} for j in range(min(batch_size, len(ds) - i))]
        if onnx:
            b = tokenizer.pad(feats, return_tensors="np")
            ids = b["input_ids"].astype(np.int64)
            segments = b.get("token_type_ids", np.zeros_like(ids)).astype(np.int64)
            out.append(_run_onnx(model, ids, b["attention_mask"].astype(np.int64), segments))
            continue
        with torch.inference_mode():
            batch = tokenizer.pad(feats, return_tensors="pt").to(model.device)
            out.append(model(**batch).logits.float().cpu().numpy())
    n_labels = model.get_outputs()[0].shape[-1] if onnx else model.config.num_labels
    return np.concatenate(out) if out else np.zeros((0, n_labels))


__all__ = [
    "train_classifier",
    "load_split",
    "fit_temperature",
    "classification_metrics",
    "class_weight_vector",
    "CALIBRATION_FILE",
    "TEST_METRICS_FILE",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
