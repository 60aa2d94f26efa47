"""The sentence encoder behind dense retrieval.

`load_embedder()` prefers the fine-tuned model at `paths.embeddings_dir()` and falls back to
the bundled MiniLM (through `basemodels.resolve_model`). Loaded models are cached per
directory, so the service, the CLI and the evaluation share one copy.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from creditai import paths
from creditai.basemodels import BUNDLED_ID, resolve_model
from creditai.errors import ModelNotFoundError

_CACHE: dict[str, "Embedder"] = {}
_LOCK = threading.Lock()


def _is_model_dir(path: Path) -> bool:
    return path.is_dir() and ((path / "modules.json").is_file() or (path / "config.json").is_file())


def _fingerprint(model_id: str, path: Path) -> str:
    """Identifies the weights: a retrained model in the same folder gets a new fingerprint."""
    h = hashlib.sha256(f"{model_id}|{path}".encode())
    for name in ("metadata.json", "model.safetensors", "pytorch_model.bin"):
        f = path / name
        if f.is_file():
            st = f.stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


class Embedder:
    """A SentenceTransformer with normalized float32 output and an identity for the index."""

    def __init__(self, path: str | Path, model_id: str | None = None, source: str = "local", device: str | None = None):
        from sentence_transformers import SentenceTransformer

        from creditai.basemodels import quiet_loading

        self.path = Path(path)
        self.model_id = model_id or str(path)
        self.source = source
        with quiet_loading():  # no "Loading weights" bar before a CLI answer
            self.model = SentenceTransformer(str(self.path), device=device or "cpu", local_files_only=True)
        self.dim = int(self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension") else self.model.get_sentence_embedding_dimension())
        self.fingerprint = _fingerprint(self.model_id, self.path.resolve())
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        """(len(texts), dim) float32, L2-normalized (cosine similarity = dot product)."""
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # torch modules are not re-entrant across threads
            vecs = self.model.encode(
                list(texts),
                batch_size=batch_size,
                show_progress_bar=show_progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def describe(self) -> dict[str, str]:
        return {"model_id": self.model_id, "path": str(self.path), "source": self.source, "fingerprint": self.fingerprint}

    def __repr__(self) -> str:
        return f"Embedder({self.model_id!r}, source={self.source!r})"


def _cached(path: Path, model_id: str, source: str) -> Embedder:
    key = str(path.resolve())
    with _LOCK:
        emb = _CACHE.get(key)
        if emb is None or emb.fingerprint != _fingerprint(emb.model_id, path.resolve()):
            emb = Embedder(path, model_id=model_id, source=source)
            _CACHE[key] = emb
        return emb


def finetuned_available(model_dir: str | Path | None = None) -> bool:
    return _is_model_dir(Path(model_dir) if model_dir else paths.embeddings_dir())


def load_base_embedder() -> Embedder:
    """The bundled MiniLM (or whatever MINILM_MODEL_ID resolves to)."""
    import os

    resolved = resolve_model(os.environ.get("MINILM_MODEL_ID") or BUNDLED_ID)
    return _cached(resolved.path, resolved.model_id, resolved.source)


def load_embedder(model_dir: str | Path | None = None) -> Embedder:
    """The encoder for retrieval: `model_dir` if given, else the fine-tuned model at
    `paths.embeddings_dir()` when it exists, else the bundled MiniLM.

    Raises `ModelNotFoundError` when none can be loaded (callers fall back to BM25).
    """
    if model_dir is not None:
        path = Path(model_dir)
        if not _is_model_dir(path):
            # maybe a model id (bundled / cached)
            resolved = resolve_model(str(model_dir))
            return _cached(resolved.path, resolved.model_id, resolved.source)
        return _cached(path, str(model_dir), "finetuned")
    ft = paths.embeddings_dir()
    if _is_model_dir(ft):
        try:
            return _cached(ft, str(ft), "finetuned")
        except Exception as exc:  # a broken fine-tuned folder must not take search down
            import logging

            logging.getLogger(__name__).warning("fine-tuned embeddings at %s unusable (%s); using the base model", ft, exc)
    try:
        return load_base_embedder()
    except ModelNotFoundError:
        raise
    except Exception as exc:
        raise ModelNotFoundError(f"no embeddings model could be loaded: {exc}") from None


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
