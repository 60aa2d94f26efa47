"""Copy trained model directories to and from object storage or a folder (fsspec URLs).

A push writes every file, then `manifest.json` (sha256 and size of each file) last, so a
model without a manifest is an unfinished upload. A pull downloads into a temporary
sibling, verifies every checksum and only then swaps the model into place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import fsspec

from creditai.errors import CreditAIError
from creditai.train.common import atomic_output_dir, file_sha256

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Transfer:
    """One model copied: its name, where it went and how much."""

    name: str
    destination: str
    files: int
    bytes: int


def _fs(url: str, storage_options: dict[str, Any] | None = None):
    try:
        fs, root = fsspec.core.url_to_fs(url, **(storage_options or {}))
    except (ImportError, ValueError) as exc:
        raise CreditAIError(f"cannot open storage URL {url!r}: {exc}") from None
    return fs, root.rstrip("/")


def build_manifest(model_dir: Path) -> dict[str, Any]:
    """sha256 and size of every file of a model directory, by relative POSIX path."""
    files = {}
    for f in sorted(p for p in model_dir.rglob("*") if p.is_file() and p.name != MANIFEST):
        files[f.relative_to(model_dir).as_posix()] = {"sha256": file_sha256(f), "size": f.stat().st_size}
    meta = model_dir / "metadata.json"
    return {"name": model_dir.name, "files": files,
            "metadata": json.loads(meta.read_text()) if meta.is_file() else None}


def model_dirs(models_dir: Path) -> list[Path]:
    """Trained model directories (those with metadata.json) under `models_dir`."""
    if not models_dir.is_dir():
        return []
    return sorted(d for d in models_dir.iterdir() if d.is_dir() and (d / "metadata.json").is_file())


def push(models_dir: Path, url: str, names: list[str] | None = None,
         storage_options: dict[str, Any] | None = None) -> list[Transfer]:
    """Upload each trained model under `models_dir` to `url/<name>/` with its manifest."""
    dirs = [d for d in model_dirs(models_dir) if not names or d.name in names]
    if not dirs:
        raise CreditAIError(f"no trained models to push in {models_dir} (each needs a metadata.json)")
    fs, root = _fs(url, storage_options)
    out = []
    for d in dirs:
        manifest = build_manifest(d)
        dest = f"{root}/{d.name}"
        if fs.exists(f"{dest}/{MANIFEST}"):
            fs.rm(f"{dest}/{MANIFEST}")  # mark the remote copy unfinished while it is replaced
        for rel in manifest["files"]:
            fs.makedirs(str(PurePosixPath(dest, rel).parent), exist_ok=True)
            fs.put_file(str(d / rel), f"{dest}/{rel}")
        with fs.open(f"{dest}/{MANIFEST}", "w") as fh:
            json.dump(manifest, fh, indent=2, sort_keys=True)
        out.append(Transfer(d.name, dest, len(manifest["files"]), sum(f["size"] for f in manifest["files"].values())))
    return out


def remote_models(url: str, storage_options: dict[str, Any] | None = None) -> list[str]:
    """Names of the complete models (with a manifest) stored under `url`."""
    fs, root = _fs(url, storage_options)
    if not fs.exists(root):
        raise CreditAIError(f"storage location {url} does not exist")
    names = []
    for entry in fs.ls(root, detail=False):
        name = PurePosixPath(entry).name
        if fs.exists(f"{root}/{name}/{MANIFEST}"):
            names.append(name)
    return sorted(names)


def pull(url: str, models_dir: Path, names: list[str] | None = None,
         storage_options: dict[str, Any] | None = None) -> list[Transfer]:
    """Download models from `url` into `models_dir/<name>`, verifying every checksum first."""
    fs, root = _fs(url, storage_options)
    available = remote_models(url, storage_options)
    wanted = names or available
    missing = sorted(set(wanted) - set(available))
    if missing:
        raise CreditAIError(f"{url}: no complete model named {', '.join(missing)} (available: {', '.join(available) or 'none'})")
    out = []
    for name in wanted:
        src = f"{root}/{name}"
        with fs.open(f"{src}/{MANIFEST}", "r") as fh:
            manifest = json.load(fh)
        with atomic_output_dir(models_dir / name) as tmp:
            for rel, info in manifest["files"].items():
                target = tmp / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                fs.get_file(f"{src}/{rel}", str(target))
                if file_sha256(target) != info["sha256"]:
                    raise CreditAIError(f"{src}/{rel}: checksum mismatch; the model was not installed")
        out.append(Transfer(name, str(models_dir / name), len(manifest["files"]),
                            sum(f["size"] for f in manifest["files"].values())))
    return out
