"""Default locations of build outputs, relative to the working directory, with env overrides.

Functions (not constants) so a changed environment is seen at call time (tests, service).
"""

from __future__ import annotations

import os
from pathlib import Path


def _env_path(var: str, default: str) -> Path:
    return Path(os.environ.get(var) or default)


def data_dir() -> Path:
    """Generated training data (`creditai data generate --out`)."""
    return _env_path("CREDITAI_DATA_DIR", "data/finetune")


def models_dir() -> Path:
    """Where trained models live, one folder each."""
    return _env_path("CREDITAI_MODELS_DIR", "models/finetuned")


def classifier_dir() -> Path:
    return _env_path("CLASSIFIER_OUTPUT", str(models_dir() / "classifier"))


def authored_requests() -> Path:
    """Hand-written request rows (data/authored/requests_authored.jsonl in this checkout) that the
    request screener trains on beside the generated ones; never an evaluation set."""
    return Path(__file__).resolve().parents[2] / "data" / "authored" / "requests_authored.jsonl"


def guard_dir() -> Path:
    """The learned request screener (configs/guard_classifier.yaml)."""
    return _env_path("GUARD_OUTPUT", str(models_dir() / "guard"))


def embeddings_dir() -> Path:
    return _env_path("EMBEDDINGS_OUTPUT", str(models_dir() / "embeddings"))


def sft_dir() -> Path:
    return _env_path("SFT_OUTPUT", str(models_dir() / "assistant_lora"))


def index_dir() -> Path:
    """The knowledge-base index (embedded store, no server)."""
    return _env_path("CREDITAI_INDEX_DIR", "indexes/kb")


def reports_dir() -> Path:
    return _env_path("CREDITAI_REPORTS_DIR", "reports")


def shipped_knowledge_base() -> Path:
    """The authored knowledge_base/ of this checkout, wherever the process was started
    (./knowledge_base first, so a project folder of your own can replace it)."""
    here = Path("knowledge_base")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "knowledge_base"


def knowledge_base_dirs() -> list[Path]:
    """The shipped knowledge_base/ plus the folders listed in KNOWLEDGE_BASE_DIRS (os.pathsep or comma)."""
    extra = os.environ.get("KNOWLEDGE_BASE_DIRS", "")
    dirs = [shipped_knowledge_base()]
    for part in extra.replace(",", os.pathsep).split(os.pathsep):
        if part.strip():
            dirs.append(Path(part.strip()))
    return dirs
