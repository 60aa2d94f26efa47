"""Copy trained model directories to and from object storage or a folder (fsspec URLs).

A push writes every file, then `manifest.json` (sha256 and size of each file) last, so a
model without a manifest is an unfinished upload. A pull treats the remote as untrusted: it
validates every manifest (safe relative paths only, the model's own files present, sizes
within limits) and the remote sizes before downloading anything, downloads into a temporary
sibling while checking each size and checksum, and only then swaps the model into place.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import fsspec

from creditai.errors import CreditAIError
from creditai.train.common import atomic_output_dir, file_sha256

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 16 << 20  # 10,000 entries take ~1.5 MiB; refuse to parse anything larger
MAX_FILES = 10_000  # a model folder holds tens of files; more means a broken or hostile manifest
MAX_TOTAL_BYTES = 20 << 30  # 20 GiB: above any model this project trains, below a full disk
WEIGHT_FILES = frozenset({"model.safetensors", "pytorch_model.bin", "adapter_model.safetensors",
                          "model.int8.onnx", "model.onnx"})
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_CHUNK = 1 << 20


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


@dataclass(frozen=True)
class _Entry:
    """One validated manifest entry: where it goes in the model folder, and what it must be."""

    rel: str
    sha256: str
    size: int


class _UniqueKeys(dict):
    """A JSON object that refuses a repeated key (json keeps the last one silently)."""

    def __init__(self, pairs: list[tuple[str, Any]]):
        super().__init__()
        for key, value in pairs:
            if key in self:
                raise ValueError(f"duplicate key {key!r}")
            self[key] = value


def _safe_name(name: str, url: str) -> str:
    """A remote model name must be a single plain folder name: it becomes `models_dir/<name>`."""
    if (not name or name in (".", "..") or any(c in name for c in "/\\\0")
            or PureWindowsPath(name).drive):
        raise CreditAIError(f"{url}: unsafe model name {name!r}; refusing to pull")
    return name


def _path_problem(key: str, base: Path) -> str | None:
    """Why `key` is not a safe relative POSIX path inside `base` (None when it is)."""
    if not key:
        return "empty path"
    if "\0" in key:
        return "NUL character"
    if any(ord(c) < 32 or ord(c) == 127 for c in key):
        return "control character"
    if "\\" in key:
        return "backslash (only POSIX paths are allowed)"
    if key.startswith("/") or PureWindowsPath(key).anchor:
        return "absolute path"
    parts = key.split("/")
    if any(p == ".." for p in parts):
        return "'..' component"
    if any(p in ("", ".") for p in parts):
        return "empty or '.' component"
    if parts == [MANIFEST]:
        return "reserved name"
    target = (base / key).resolve()
    if target == base or not target.is_relative_to(base):
        return "resolves outside the model folder"
    return None


def _fold(key: str) -> str:
    """The form two paths share when macOS/Windows disks would store them as one file."""
    return unicodedata.normalize("NFC", key).casefold()


def _load_manifest(fs: Any, src: str, name: str) -> dict[str, Any]:
    """Read `src/manifest.json` as a JSON object, refusing oversized or malformed ones."""
    where = f"{src}/{MANIFEST}"
    try:
        size = fs.size(where)
        if size is not None and size > MAX_MANIFEST_BYTES:
            raise CreditAIError(f"{where}: model {name!r}: manifest is {size} bytes "
                                f"(limit {MAX_MANIFEST_BYTES}); refusing to pull")
        with fs.open(where, "rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
    except OSError as exc:
        raise CreditAIError(f"{where}: model {name!r}: cannot read manifest: {exc}") from None
    if len(raw) > MAX_MANIFEST_BYTES:
        raise CreditAIError(f"{where}: model {name!r}: manifest exceeds {MAX_MANIFEST_BYTES} bytes; refusing to pull")
    try:
        manifest = json.loads(raw, object_pairs_hook=_UniqueKeys)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CreditAIError(f"{where}: model {name!r}: invalid manifest JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise CreditAIError(f"{where}: model {name!r}: manifest must be a JSON object")
    return manifest


def validate_manifest(manifest: Any, name: str, where: str, target: Path) -> list[_Entry]:
    """Check a remote manifest before any download and return its entries.

    The remote is the outside world: every key must be a relative POSIX path that stays
    inside `target` (the folder the model is installed as), each entry needs a sha256 and a
    size, the model's own files (metadata.json and weights) must be listed, and the file
    count and total size must stay under MAX_FILES and MAX_TOTAL_BYTES. Any problem raises a
    one-line CreditAIError naming the model, the manifest and the offending key.
    """
    def fail(problem: str) -> CreditAIError:
        return CreditAIError(f"{where}: model {name!r}: {problem}; refusing to pull")

    if not isinstance(manifest, dict):
        raise fail("manifest must be a JSON object")
    if manifest.get("name") != name:
        raise fail(f"manifest name {manifest.get('name')!r} does not match the folder it came from")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise fail("manifest has no 'files' mapping")
    if len(files) > MAX_FILES:
        raise fail(f"manifest lists {len(files)} files (limit {MAX_FILES})")
    base = target.resolve()
    entries: list[_Entry] = []
    seen: dict[str, str] = {}
    for key, info in files.items():
        problem = _path_problem(key, base) if isinstance(key, str) else "not a string"
        if problem:
            raise fail(f"unsafe file path {key!r} ({problem})")
        folded = _fold(key)
        if folded in seen:
            raise fail(f"file path {key!r} duplicates {seen[folded]!r}")
        seen[folded] = key
        if not isinstance(info, dict):
            raise fail(f"entry {key!r} must be an object with sha256 and size")
        sha, size = info.get("sha256"), info.get("size")
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise fail(f"entry {key!r} has no valid sha256 (64 hex characters)")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise fail(f"entry {key!r} has no valid size (a non-negative integer)")
        entries.append(_Entry(key, sha.lower(), size))
    for key in seen.values():  # `a` as a file and `a/b` cannot both exist
        parent = key.rsplit("/", 1)[0] if "/" in key else None
        while parent:
            if _fold(parent) in seen:
                raise fail(f"file path {key!r} lies under file {seen[_fold(parent)]!r}")
            parent = parent.rsplit("/", 1)[0] if "/" in parent else None
    if "metadata.json" not in files:
        raise fail("manifest does not list metadata.json")
    if not any(PurePosixPath(e.rel).name in WEIGHT_FILES or e.rel.endswith(".safetensors") for e in entries):
        raise fail(f"manifest lists no weights (one of {', '.join(sorted(WEIGHT_FILES))} or a *.safetensors file)")
    total = sum(e.size for e in entries)
    if total > MAX_TOTAL_BYTES:
        raise fail(f"manifest declares {total} bytes (limit {MAX_TOTAL_BYTES})")
    return entries


def _check_remote_sizes(fs: Any, src: str, name: str, entries: list[_Entry]) -> None:
    """Each listed remote file must exist with its declared size (before anything is downloaded)."""
    for e in entries:
        try:
            size = fs.size(f"{src}/{e.rel}")
        except OSError as exc:
            raise CreditAIError(f"{src}/{e.rel}: model {name!r}: listed in {MANIFEST} but cannot be read "
                                f"({exc}); refusing to pull") from None
        if size is not None and size != e.size:
            raise CreditAIError(f"{src}/{e.rel}: model {name!r}: remote size {size} != {e.size} in {MANIFEST}; "
                                "refusing to pull")


def _download(fs: Any, remote: str, target: Path, entry: _Entry, name: str) -> None:
    """Copy one file in chunks, stopping as soon as it outgrows its declared size; check size and sha256."""
    h = hashlib.sha256()
    written = 0
    with fs.open(remote, "rb") as src, open(target, "xb") as dst:
        while block := src.read(_CHUNK):
            written += len(block)
            if written > entry.size:
                raise CreditAIError(f"{remote}: model {name!r}: larger than the {entry.size} bytes in {MANIFEST}; "
                                    "the model was not installed")
            h.update(block)
            dst.write(block)
    if written != entry.size:
        raise CreditAIError(f"{remote}: model {name!r}: size {written} != {entry.size} in {MANIFEST}; "
                            "the model was not installed")
    if h.hexdigest() != entry.sha256:
        raise CreditAIError(f"{remote}: model {name!r}: checksum mismatch; the model was not installed")


def pull(url: str, models_dir: Path, names: list[str] | None = None,
         storage_options: dict[str, Any] | None = None) -> list[Transfer]:
    """Download models from `url` into `models_dir/<name>`, refusing unsafe manifests.

    Every wanted manifest and every remote file size is checked before the first byte is
    downloaded, so a bad manifest installs no model at all; each model is then downloaded
    into a temporary sibling and swapped in only after all its sizes and checksums hold, so a
    failed download leaves that model's previous local copy as it was (models earlier in the
    list that already verified stay installed).
    """
    fs, root = _fs(url, storage_options)
    available = remote_models(url, storage_options)
    wanted = list(dict.fromkeys(names or available))
    missing = sorted(set(wanted) - set(available))
    if missing:
        raise CreditAIError(f"{url}: no complete model named {', '.join(missing)} (available: {', '.join(available) or 'none'})")
    plans = []
    for name in wanted:
        src = f"{root}/{_safe_name(name, url)}"
        manifest = _load_manifest(fs, src, name)
        entries = validate_manifest(manifest, name, f"{src}/{MANIFEST}", models_dir / name)
        _check_remote_sizes(fs, src, name, entries)
        plans.append((name, src, entries))
    out = []
    for name, src, entries in plans:
        with atomic_output_dir(models_dir / name) as tmp:
            base = tmp.resolve()
            for e in entries:
                target = tmp / e.rel
                if not target.resolve().is_relative_to(base):  # belt and braces: validated above
                    raise CreditAIError(f"{src}/{MANIFEST}: model {name!r}: unsafe file path {e.rel!r}; refusing to pull")
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _download(fs, f"{src}/{e.rel}", target, e, name)
                except OSError as exc:
                    raise CreditAIError(f"{src}/{e.rel}: model {name!r}: download failed ({exc}); "
                                        "the model was not installed") from None
        out.append(Transfer(name, str(models_dir / name), len(entries), sum(e.size for e in entries)))
    return out
