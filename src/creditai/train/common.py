"""Helpers every trainer shares: seeding, device choice, atomic saves, hashes and metadata.

One copy of each, so the classifier, embeddings and SFT trainers cannot drift apart.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Callable, Iterator

METADATA_FILE = "metadata.json"
TRACKED_LIBRARIES = (
    "torch", "transformers", "sentence-transformers", "peft", "trl", "accelerate",
    "datasets", "scikit-learn", "numpy", "creditai",
)


def set_seed(seed: int) -> None:
    """Seed python, numpy and torch (all devices) through transformers' one helper."""
    from transformers import set_seed as hf_set_seed

    hf_set_seed(seed)


@dataclass(frozen=True)
class DeviceInfo:
    """The device to train on and the mixed precision it supports."""

    device: str
    bf16: bool
    fp16: bool
    name: str

    def as_dict(self) -> dict[str, Any]:
        return {"device": self.device, "bf16": self.bf16, "fp16": self.fp16, "name": self.name}


def select_device(prefer: str | None = None) -> DeviceInfo:
    """CUDA (bf16 where supported, else fp16), then Apple MPS, then CPU; CREDITAI_DEVICE forces one."""
    import torch

    want = (prefer or os.environ.get("CREDITAI_DEVICE") or "").lower()
    if want in ("", "cuda") and torch.cuda.is_available():
        bf16 = torch.cuda.is_bf16_supported()
        return DeviceInfo("cuda", bf16, not bf16, torch.cuda.get_device_name(0))
    if want in ("", "mps") and getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return DeviceInfo("mps", False, False, "Apple MPS")
    return DeviceInfo("cpu", False, False, platform.processor() or platform.machine())


def training_arguments(cfg: Any, output_dir: str | Path, device: DeviceInfo, *, progress: bool = True) -> dict[str, Any]:
    """The Trainer arguments every trainer takes from the shared config keys (one mapping, so
    batch sizes, schedule, seeding and precision mean the same for all three models)."""
    return {
        "output_dir": str(output_dir),
        "per_device_train_batch_size": cfg.batch_size,
        "per_device_eval_batch_size": cfg.eval_batch_size,
        "gradient_accumulation_steps": cfg.gradient_accumulation_steps,
        "learning_rate": cfg.learning_rate,
        "num_train_epochs": cfg.epochs,
        "max_steps": cfg.max_steps,
        "weight_decay": cfg.weight_decay,
        "warmup_steps": float(cfg.warmup_ratio),  # transformers 5: a float in [0, 1) is a ratio of the steps
        "lr_scheduler_type": "linear",
        "seed": cfg.seed,
        "data_seed": cfg.seed,
        "bf16": device.bf16,
        "fp16": device.fp16,
        "use_cpu": device.device == "cpu",
        "report_to": "none",
        "dataloader_num_workers": 0,
        "disable_tqdm": not progress,
    }


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def dataset_hashes(files: dict[str, list[Path]]) -> dict[str, dict[str, str]]:
    """{split: {path: sha256}} for the metadata and for skipping unchanged pipeline stages."""
    return {split: {str(f): file_sha256(f) for f in paths} for split, paths in files.items() if paths}


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape a trained model."""
    out = {"python": platform.python_version()}
    for name in TRACKED_LIBRARIES:
        with contextlib.suppress(importlib_metadata.PackageNotFoundError):
            out[name] = importlib_metadata.version(name)
    return out


def write_atomically(target: str | Path, write: Callable[[Path], Any]) -> Path:
    """Run `write(tmp)` on a temp file beside `target`, then rename it into place: a reader never
    sees a half-written file, and a failed write leaves neither the target nor the temp file."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}{target.suffix}")
    tmp.unlink(missing_ok=True)  # left by a crashed run with the same pid
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_json(path: str | Path, data: Any) -> None:
    """Write JSON atomically (`write_atomically`)."""
    text = json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def build_metadata(
    *,
    kind: str,
    base_model: Any,
    config: Any,
    data_files: dict[str, list[Path]] | None = None,
    metrics: dict[str, Any] | None = None,
    training_seconds: float | None = None,
    device: DeviceInfo | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The metadata.json every trained model directory carries (design.md, Conventions)."""
    cfg = config.model_dump(mode="json") if hasattr(config, "model_dump") else dict(config or {})
    return {
        "kind": kind,
        "base_model": getattr(base_model, "model_id", str(base_model)),
        "base_model_path": str(getattr(base_model, "path", "")),
        "base_model_source": getattr(base_model, "source", None),
        "config": cfg,
        "dataset_hashes": dataset_hashes(data_files or {}),
        "metrics": metrics or {},
        "library_versions": library_versions(),
        "device": device.as_dict() if device else None,
        "training_seconds": None if training_seconds is None else round(training_seconds, 2),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **extra,
    }


def read_metadata(model_dir: str | Path) -> dict[str, Any] | None:
    """metadata.json of a trained model directory, or None when absent or unreadable."""
    path = Path(model_dir) / METADATA_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def atomic_output_dir(final: str | Path) -> Iterator[Path]:
    """Yield a temporary sibling of `final` to write into; swap it in only on success.

    An exception (or Ctrl-C) removes the temporary folder and leaves any previous model
    at `final` untouched, so a half-written model is never in place.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    stamp = f"{os.getpid()}-{int(time.time() * 1000)}"
    tmp = final.parent / f".{final.name}.tmp-{stamp}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = final.parent / f".{final.name}.old-{stamp}"
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


class Timer:
    """Context manager measuring wall-clock seconds (`.seconds`)."""

    def __enter__(self) -> "Timer":
        self._start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start
