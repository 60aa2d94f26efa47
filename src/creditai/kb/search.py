"""Hybrid retrieval over the embedded index, and the incremental index build.

BM25 (rank-bm25's BM25Okapi statistics, scored through a sparse matrix so a query costs
its postings, not a Python loop over every chunk) and dense cosine similarity are fused
by a convex combination of scaled scores, at chunk and at document level (convex_fuse).
Without an embeddings model, search is BM25 alone.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Literal, Sequence

import numpy as np

from creditai import paths
from creditai.kb import store
from creditai.kb.chunk import DEFAULT_CHUNK_SIZE, DEFAULT_OVERLAP, Chunk, Unit, chunk_document, question_rows
from creditai.kb.ingest import SkipFile, content_hash, describe_error, ingest_rules, iter_source_files, load_document, read_source

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "bm25", "dense"]
MODES = ("hybrid", "bm25", "dense")
# Hybrid fusion (convex_fuse): weight of the dense score and the depth its scale is taken
# over. Chosen on tests/data/retrieval_dev.jsonl (never on the held-out set): recall@5
# 0.853 at 0.6, 0.850 at 0.5, 0.845 at 0.7, dense alone 0.818.
HYBRID_ALPHA = 0.6
FUSION_DEPTH = 50
# Share of a chunk's hybrid score that comes from its document's best evidence (each
# signal's maximum over the document's rows), so a document whose title matches the words
# and whose other section matches the meaning ranks above one chunk that half-matches.
# Chosen on the 250 development questions (tests/data/retrieval_dev*.jsonl): recall@5 0.847
# at 0, 0.858 at 0.25, 0.868 at 0.5, 0.871 at 0.75, 0.866 at 1 (MRR@10 best at 0.5).
DOC_WEIGHT = 0.5
# Dense pseudo-relevance feedback (Rocchio): the query vector moves towards the mean of the
# PRF_DEPTH best hybrid rows by PRF_WEIGHT, and the fusion runs again. It helps short slangy
# questions whose own embedding lands off-topic ("LVNV $612, zero clue what it's for") but whose
# words find the right document. On the 250 dev questions recall@5 went 0.868 -> 0.881
# (weights 0.2-0.4 x depths 2-5 all gave 0.869-0.882; MRR@10 0.846 -> 0.839); across five
# retrained embedding models the gain was -0.004 to +0.031.
PRF_WEIGHT = 0.2
PRF_DEPTH = 3

# Intent routing: these doc_types answer the intent; others fill in when they are too few.
INTENT_DOC_TYPES: dict[str, tuple[str, ...]] = {
    "dispute": ("compliance", "dispute_logic", "account_types"),
    "education": ("education", "credit_laws"),
    "document_generation": ("templates", "compliance"),
}

_STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does doing for from had has have how i if in into is it its "
    "me my of on or our so than that the their them then there these they this to was we were what when where which "
    "who why will with would you your im ive dont".split()
)
_TOKEN = re.compile(r"[a-z0-9]+")


def _stem(tok: str) -> str:
    """A deliberately tiny stemmer: plural/-ing/-ed endings, enough for 'disputes' ~ 'dispute'."""
    if len(tok) <= 3 or tok.isdigit():
        return tok
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if tok.endswith(suffix) and len(tok) - len(suffix) >= 3:
            if suffix == "s" and tok.endswith(("ss", "us", "is")):
                return tok
            return tok[: len(tok) - len(suffix)] + repl
    return tok


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens without stopwords, lightly stemmed (BM25's analyzer)."""
    return [_stem(t) for t in _TOKEN.findall(text.lower().replace("’", "'").replace("'", "")) if t not in _STOPWORDS]


class BM25Index:
    """BM25Okapi (rank-bm25) statistics, precomputed into a sparse (chunks x terms) weight matrix."""

    def __init__(self, corpus_tokens: Sequence[list[str]], k1: float = 1.5, b: float = 0.75):
        from rank_bm25 import BM25Okapi
        from scipy import sparse

        self.n = len(corpus_tokens)
        self.vocab: dict[str, int] = {}
        if self.n == 0:
            self.weights = sparse.csr_matrix((0, 0), dtype=np.float32)
            return
        safe = [toks if toks else ["\x00empty"] for toks in corpus_tokens]  # BM25Okapi divides by len
        bm25 = BM25Okapi(safe, k1=k1, b=b)
        rows, cols, vals = [], [], []
        for i, freqs in enumerate(bm25.doc_freqs):
            norm = k1 * (1 - b + b * bm25.doc_len[i] / bm25.avgdl)
            for term, tf in freqs.items():
                j = self.vocab.setdefault(term, len(self.vocab))
                rows.append(i)
                cols.append(j)
                vals.append(bm25.idf.get(term, 0.0) * tf * (k1 + 1) / (tf + norm))
        self.weights = sparse.csc_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(self.n, len(self.vocab)))

    def scores(self, query: str | list[str]) -> np.ndarray:
        """BM25Okapi.get_scores for the query, for every chunk (float32)."""
        toks = tokenize(query) if isinstance(query, str) else query
        counts = Counter(self.vocab[t] for t in toks if t in self.vocab)
        if not counts or self.n == 0:
            return np.zeros(self.n, dtype=np.float32)
        cols = np.fromiter(counts.keys(), dtype=np.int64)
        mult = np.fromiter(counts.values(), dtype=np.float32)
        return np.asarray(self.weights[:, cols] @ mult, dtype=np.float32).ravel()


@dataclass
class Hit:
    """One retrieved chunk."""

    text: str
    source: str
    title: str
    doc_type: str
    score: float
    heading: str = ""
    citations: list[str] = field(default_factory=list)
    chunk_id: int = -1

    @property
    def stem(self) -> str:
        return Path(self.source).stem

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "source": self.source,
            "title": self.title,
            "doc_type": self.doc_type,
            "score": round(float(self.score), 6),
            "heading": self.heading,
            "citations": list(self.citations),
        }


def _top(scores: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the n best scores (descending), restricted to `mask`."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    n = min(n, scores.shape[0])
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.argpartition(-scores, n - 1)[:n] if n < scores.shape[0] else np.arange(scores.shape[0])
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return idx[np.isfinite(scores[idx])]


@dataclass(frozen=True)
class DocGroups:
    """Rows grouped by document, for per-document maxima in O(rows) with numpy's reduceat."""

    order: np.ndarray  # row numbers sorted by document
    starts: np.ndarray  # where each document's rows start in `order`
    doc_of_row: np.ndarray  # document number of each row

    @classmethod
    def from_keys(cls, keys: Sequence[str]) -> "DocGroups":
        codes = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        doc_of_row = np.fromiter((codes[k] for k in keys), dtype=np.int64, count=len(keys))
        order = np.argsort(doc_of_row, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(doc_of_row[order]) != 0]) if len(keys) else np.zeros(0, np.int64)
        return cls(order, starts, doc_of_row)

    def members(self) -> list[np.ndarray]:
        """The rows of each document (ascending), by document number."""
        return np.split(self.order, self.starts[1:])

    def doc_max(self, values: np.ndarray) -> np.ndarray:
        """Each row's value replaced by the maximum over its document's rows."""
        if not len(values):
            return values
        return np.maximum.reduceat(values[self.order], self.starts)[self.doc_of_row]


_BLAS_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _blas_pools() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas")


def dense_scores(matrix: np.ndarray, vec: np.ndarray) -> np.ndarray:
    """Cosine score of every row (`matrix @ vec`), computed on one BLAS thread.

    After a multi-threaded call OpenBLAS's worker threads spin-wait, and on a small machine
    they starve the torch encoder of the next query. Measured on 2 cores with the query
    embedding included: p50 24 -> 11 ms over 2,000 chunks and 34 -> 25 ms over 100,000
    (torch's matmul gave 11 and 28 ms). The lock keeps concurrent callers from restoring
    each other's thread limit out of order.
    """
    with _BLAS_LOCK, _blas_pools().limit(limits=1):
        return matrix @ vec


def rocchio(vec: np.ndarray, feedback_rows: np.ndarray, weight: float = PRF_WEIGHT) -> np.ndarray:
    """The query vector moved towards the mean of `feedback_rows` by `weight`, unit length
    again (Rocchio feedback with positive rows only)."""
    out = vec + weight * feedback_rows.mean(axis=0)
    return (out / max(float(np.linalg.norm(out)), 1e-12)).astype(vec.dtype)


def convex_fuse(
    lexical: np.ndarray, dense: np.ndarray, alpha: float = HYBRID_ALPHA, depth: int = FUSION_DEPTH,
    mask: np.ndarray | None = None, groups: DocGroups | None = None, doc_weight: float = DOC_WEIGHT,
) -> np.ndarray:
    """Hybrid scores: alpha * dense + (1 - alpha) * lexical, each scaled to [0, 1] first
    (BM25 divided by the best BM25 score; cosine min-max scaled over the `depth` best
    passages, anything below that floor counting 0). Scaled over `mask` when one is given.
    With `groups`, `doc_weight` of each row's score is the same combination of its
    document's best scaled dense and best scaled BM25 score (document-level evidence).

    Written by hand rather than reciprocal rank fusion: ranks throw away how far ahead the
    best hit is, and with BM25 much weaker than the dense model RRF put hybrid *below*
    dense alone (dev set recall@5 0.73 vs 0.82); the convex combination gave 0.85 (as
    Bruch et al., "An Analysis of Fusion Functions for Hybrid Retrieval", TOIS 2023, found).
    """
    lex = lexical if mask is None else np.where(mask, lexical, 0.0)
    best_lex = float(lex.max()) if lex.size else 0.0
    lex = lex / best_lex if best_lex > 0 else np.zeros_like(lex)
    top = _top(dense, depth, mask)
    if not len(top):
        dn = np.zeros_like(lex)
    else:
        hi, lo = float(dense[top[0]]), float(dense[top[-1]])
        dn = np.clip((dense - lo) / (hi - lo), 0.0, None) if hi > lo else (dense >= hi).astype(np.float32)
        if mask is not None:
            dn = np.where(mask, dn, 0.0)
    fused = alpha * dn + (1 - alpha) * lex
    if groups is not None and doc_weight > 0:
        fused = (1 - doc_weight) * fused + doc_weight * (alpha * groups.doc_max(dn) + (1 - alpha) * groups.doc_max(lex))
    return fused.astype(np.float32)


class KnowledgeBase:
    """A loaded index: BM25 always, dense search when an embedder is available."""

    # weight of the dense score in hybrid mode (convex_fuse)
    hybrid_alpha: float = HYBRID_ALPHA

    def __init__(self, data: store.IndexData, embedder: Any = None, index_dir: str | Path | None = None, *, _bm25: BM25Index | None = None):
        self.data = data
        self.chunks: list[Chunk] = data.chunks
        self.index_dir = Path(index_dir) if index_dir else None
        self.embedder = embedder
        self.matrix: np.ndarray | None = None
        self._doc_types = np.array([c.doc_type for c in self.chunks], dtype=object)
        # question rows (front-matter questions) stand for their document's best content chunk
        self._is_question = np.array([c.kind == "question" for c in self.chunks], dtype=bool)
        self._groups = DocGroups.from_keys(list(data.chunk_doc_keys))
        # content rows of each document (by document number), for the question rows
        self._doc_rows = [rows[~self._is_question[rows]] for rows in self._groups.members()]
        self._n_content = int((~self._is_question).sum()) if self.chunks else 0
        self.bm25 = _bm25 or BM25Index([tokenize(c.index_text()) for c in self.chunks])
        self._qcache: OrderedDict[str, np.ndarray] = OrderedDict()
        if embedder is not None:
            if data.matrix is not None and data.embedding_fingerprint == getattr(embedder, "fingerprint", None):
                self.matrix = data.matrix
            else:  # a different model than the index was built with: embed in memory
                self.matrix = embedder.encode([c.index_text() for c in self.chunks]) if self.chunks else np.zeros((0, embedder.dim), np.float32)

    # ------------------------------------------------------------------ construction

    @classmethod
    def load(cls, index_dir: str | Path | None = None, embedder: Any = "auto") -> "KnowledgeBase":
        """Open the index at `index_dir` (default `paths.index_dir()`).

        `embedder="auto"` loads the model the index was built with (BM25 alone when it is
        gone or the index has no embeddings); `None` forces BM25; an `Embedder` is used as
        is (chunks are re-embedded in memory if the index was built with another model).
        """
        index_dir = Path(index_dir) if index_dir else paths.index_dir()
        data = store.read_index(index_dir)
        if isinstance(embedder, str) and embedder == "auto":
            embedder = _index_embedder(data)
        return cls(data, embedder, index_dir)

    @classmethod
    def from_sources(cls, sources: Sequence[str | Path] | None = None) -> "KnowledgeBase":
        """A BM25-only knowledge base of `sources` (default: the shipped KB), built in a
        temporary folder that is removed once loaded (the index lives in memory)."""
        import tempfile

        with tempfile.TemporaryDirectory(prefix="creditai-kb-") as tmp:
            build_index(sources, index_dir=tmp, embedder=None, progress=False)
            kb = cls.load(tmp, embedder=None)
        kb.index_dir = None
        return kb

    def with_embedder(self, embedder: Any) -> "KnowledgeBase":
        """The same chunks (and BM25) searched with another encoder (None: BM25 only)."""
        return KnowledgeBase(self.data, embedder, self.index_dir, _bm25=self.bm25)

    # ------------------------------------------------------------------ info

    @property
    def dense_available(self) -> bool:
        return self.embedder is not None and self.matrix is not None

    def size(self) -> int:
        """Number of indexed passages (content chunks)."""
        return self._n_content

    def info(self) -> dict[str, Any]:
        """A summary for health endpoints and `creditai kb` output."""
        m = self.data.meta
        types = Counter(c.doc_type for c in self.chunks if c.kind != "question")
        return {
            "index_dir": str(self.index_dir) if self.index_dir else None,
            "documents": len(self.data.documents),
            "chunks": self._n_content,
            "question_rows": len(self.chunks) - self._n_content,
            "skipped_files": len(self.data.skipped),
            "doc_types": dict(sorted(types.items())),
            "modes": list(MODES) if self.dense_available else ["bm25"],
            "embedding_model": getattr(self.embedder, "model_id", None) if self.dense_available else None,
            "index_embedding_model": m.get("embedding_model") or None,
            "built_at": m.get("built_at"),
            "chunk_size": int(m.get("chunk_size") or 0),
            "overlap": int(m.get("overlap") or 0),
        }

    # ------------------------------------------------------------------ search

    def _query_vec(self, query: str) -> np.ndarray:
        vec = self._qcache.get(query)
        if vec is None:
            vec = self.embedder.encode([query])[0]
            self._qcache[query] = vec
            if len(self._qcache) > 256:
                self._qcache.popitem(last=False)
        else:
            self._qcache.move_to_end(query)
        return vec

    def _mask(self, doc_types: Iterable[str] | None) -> np.ndarray | None:
        if not doc_types:
            return None
        return np.isin(self._doc_types, list(doc_types))

    def _passages(self, scores: np.ndarray, n: int, mask: np.ndarray | None, positive: bool = False) -> list[tuple[int, float]]:
        """The n best passages by `scores`: question rows are replaced by their document's
        best-scoring content chunk, duplicates dropped (first rank wins)."""
        if positive:
            mask = scores > 0 if mask is None else mask & (scores > 0)
        depth = max(4 * n, 50)
        while True:
            idx = _top(scores, depth, mask)
            out: list[tuple[int, float]] = []
            seen: set[int] = set()
            for i in idx:
                i = int(i)
                score = float(scores[i])
                if self._is_question[i]:
                    rows = self._doc_rows[self._groups.doc_of_row[i]]
                    if not len(rows):
                        continue
                    i = int(rows[int(np.argmax(scores[rows]))])
                if i in seen:
                    continue
                seen.add(i)
                out.append((i, score))
                if len(out) == n:
                    return out
            if depth >= len(scores) or len(idx) < depth:
                return out
            depth *= 4

    def _ranked(self, query: str, n: int, mode: str, mask: np.ndarray | None) -> list[tuple[int, float]]:
        if mode == "bm25" or not self.dense_available:
            return self._passages(self.bm25.scores(query), n, mask, positive=True)
        query_vec = self._query_vec(query)
        dense = dense_scores(self.matrix, query_vec)
        if mode == "dense":
            return self._passages(dense, n, mask)
        lexical = self.bm25.scores(query)
        depth = max(FUSION_DEPTH, n)
        fused = convex_fuse(lexical, dense, self.hybrid_alpha, depth, mask, self._groups)
        if PRF_WEIGHT > 0:
            feedback = _top(fused, PRF_DEPTH, mask)
            if len(feedback):
                moved = rocchio(query_vec, self.matrix[feedback], PRF_WEIGHT)
                fused = convex_fuse(lexical, dense_scores(self.matrix, moved), self.hybrid_alpha, depth, mask, self._groups)
        return self._passages(fused, n, mask)

    def search(
        self,
        query: str,
        k: int = 5,
        doc_types: Sequence[str] | None = None,
        intent: str | None = None,
        mode: Mode = "hybrid",
    ) -> list[Hit]:
        """The k best chunks for `query`.

        `doc_types` keeps only those types. `intent` (dispute, education,
        document_generation) ranks the doc_types that serve it first and fills up with
        the rest when they give fewer than k hits. `mode` is hybrid (BM25 + dense, convex_fuse),
        bm25 or dense; without an embedder every mode is BM25.
        """
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; expected one of {', '.join(MODES)}")
        if k <= 0 or not self.chunks or not query or not query.strip():
            return []
        mask = self._mask(doc_types)
        routed = INTENT_DOC_TYPES.get((intent or "").strip().lower()) if intent else None
        if routed and not doc_types:
            ranked = self._ranked(query, k, mode, self._mask(routed))
            if len(ranked) < k:
                seen = {i for i, _ in ranked}
                rest = [(i, s) for i, s in self._ranked(query, k + len(ranked), mode, None) if i not in seen]
                ranked += rest[: k - len(ranked)]
        else:
            ranked = self._ranked(query, k, mode, mask)
        return [self._hit(i, s) for i, s in ranked]

    def _hit(self, i: int, score: float) -> Hit:
        c = self.chunks[i]
        return Hit(text=c.text, source=c.source, title=c.title, doc_type=c.doc_type, score=score, heading=c.heading, citations=list(c.citations), chunk_id=i)


def _index_embedder(data: store.IndexData) -> Any:
    """The encoder an index was built with, or None (BM25) when it cannot be loaded."""
    if data.matrix is None:
        return None
    from creditai.kb.embed import load_embedder

    path = data.meta.get("embedding_path") or ""
    try:
        emb = load_embedder(path if path and Path(path).is_dir() else data.meta.get("embedding_model") or None)
    except Exception as exc:  # missing model, broken install: degrade to BM25
        log.warning("embeddings model for the index unavailable (%s); searching with BM25 only", exc)
        return None
    if emb.fingerprint != data.embedding_fingerprint:
        log.warning(
            "the embeddings model at %s changed since the index was built; searching with BM25 only "
            "(run `creditai kb build` to re-embed)", emb.path,
        )
        return None
    return emb


# ---------------------------------------------------------------------- build


@dataclass
class BuildStats:
    index_dir: str
    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    embedded: int = 0
    embedding_model: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def summary(self) -> str:
        return (
            f"{self.documents} documents, {self.chunks} chunks "
            f"(added {self.added}, updated {self.updated}, removed {self.removed}, unchanged {self.unchanged}, "
            f"skipped {self.skipped}; embedded {self.embedded} chunks with {self.embedding_model or 'no model: BM25 only'}) "
            f"in {self.seconds:.1f}s"
        )


def _display(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path.resolve())
    return str(path.resolve()) if rel.startswith("..") else rel


def _resolve_build_embedder(embedder: Any, warnings: list[str]) -> Any:
    if not (isinstance(embedder, str) and embedder == "auto"):
        return embedder
    from creditai.kb.embed import load_embedder

    try:
        return load_embedder()
    except Exception as exc:
        msg = f"no embeddings model could be loaded ({exc}); the index is BM25-only"
        log.warning(msg)
        warnings.append(msg)
        return None


def build_index(
    sources: Sequence[str | Path] | None = None,
    index_dir: str | Path | None = None,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    overlap: int = DEFAULT_OVERLAP,
    unit: Unit = "chars",
    embedder: Any = "auto",
    progress: bool = False,
    batch_size: int = 32,
) -> BuildStats:
    """Build or update the index at `index_dir` from the files under `sources`.

    Incremental by content hash: unchanged documents keep their chunks and embeddings;
    new and changed ones are re-chunked and re-embedded; documents whose files are gone
    are removed. A different embeddings model (or chunking) re-embeds (re-chunks) all.
    Garbage files are skipped with a warning and never indexed.

    Each file is read once (`read_source`, size-capped): its bytes are hashed and, when
    new or changed, parsed from memory. A file that fails in any way (unreadable, over a
    cap, unparsable, unchunkable) is skipped with a warning that names it; the build goes
    on. Skipped files are remembered by hash; when the ingest rules or caps change
    (`ingest_rules`), remembered files are checked again, and unchanged documents are
    re-parsed (not re-embedded) to check that they still pass.
    """
    t0 = time.perf_counter()
    sources = list(sources) if sources is not None else paths.knowledge_base_dirs()
    index_dir = Path(index_dir) if index_dir else paths.index_dir()
    stats = BuildStats(index_dir=str(index_dir))
    files, warns = iter_source_files(sources)
    stats.warnings.extend(warns)
    for w in warns:
        log.warning(w)
    emb = _resolve_build_embedder(embedder, stats.warnings)
    fingerprint = getattr(emb, "fingerprint", None)
    stats.embedding_model = getattr(emb, "model_id", None)

    old = None
    if store.exists(index_dir):
        try:
            old = store.read_index(index_dir)
        except Exception as exc:
            msg = f"{index_dir}: existing index unreadable ({exc}); rebuilding from scratch"
            log.warning(msg)
            stats.warnings.append(msg)
    params = {"chunk_size": str(chunk_size), "overlap": str(overlap), "unit": unit}
    same_chunking = old is not None and all(old.meta.get(k) == v for k, v in params.items())
    rules = ingest_rules()
    same_rules = old is not None and old.meta.get("ingest_rules") == rules
    same_model = old is not None and old.matrix is not None and fingerprint is not None and old.embedding_fingerprint == fingerprint

    old_chunks: dict[str, list[int]] = {}
    if old is not None:
        for i, key in enumerate(old.chunk_doc_keys):
            old_chunks.setdefault(key, []).append(i)

    documents: list[store.DocRecord] = []
    rows: list[tuple[str, Chunk]] = []
    reuse_rows: list[int] = []  # per row: old matrix row to copy, or -1 to embed
    skipped: dict[str, tuple[str, str, str]] = {}
    iterator: Iterable[Path] = files
    if progress:
        from tqdm import tqdm

        iterator = tqdm(files, desc="reading", unit="file")

    def skip(f: Path, key: str, raw_hash: str, reason: str) -> None:
        skipped[key] = (_display(f), raw_hash, reason)
        stats.skipped += 1
        msg = f"{f}: skipped: {reason}"
        log.warning(msg)
        stats.warnings.append(msg)

    for f in iterator:
        key = str(f.resolve())
        try:
            raw = read_source(f)  # the only read of this file: hashed here, parsed from these bytes below
        except SkipFile as exc:  # unreadable or over the size cap: not read, so no hash to remember
            skip(f, key, "", str(exc))
            continue
        raw_hash = content_hash(raw)
        prev = old.documents.get(key) if old is not None else None
        if same_rules and key in old.skipped and old.skipped[key][1] == raw_hash:
            skip(f, key, raw_hash, old.skipped[key][2])  # known garbage, unchanged: do not re-parse
            continue
        if prev is not None and prev.content_hash == raw_hash and same_chunking:
            if not same_rules:  # indexed under other rules: it must still pass them (its chunks are kept)
                try:
                    load_document(f, raw, raw_hash)
                except SkipFile as exc:
                    skip(f, key, raw_hash, str(exc))
                    continue
            documents.append(prev)
            for i in old_chunks.get(key, []):
                rows.append((key, old.chunks[i]))
                reuse_rows.append(i if same_model else -1)
            stats.unchanged += 1
            continue
        try:
            doc = load_document(f, raw, raw_hash)
            doc.path = _display(f)
            chunks = chunk_document(doc, chunk_size, overlap, unit)
            if chunks:
                chunks += question_rows(doc)
        except SkipFile as exc:
            skip(f, key, raw_hash, str(exc))
            continue
        except Exception as exc:  # a chunking failure on one odd document must not abort the build
            skip(f, key, raw_hash, f"could not be chunked ({describe_error(exc)})")
            continue
        documents.append(
            store.DocRecord(key, doc.path, raw_hash, doc.title, doc.doc_type, doc.citations, {**doc.metadata, "jurisdiction": doc.jurisdiction, "format": doc.fmt, "questions": doc.questions}, sum(c.kind == "content" for c in chunks))
        )
        for c in chunks:
            rows.append((key, c))
            reuse_rows.append(-1)
        if prev is None:
            stats.added += 1
        else:
            stats.updated += 1
    current = {d.key for d in documents}
    if old is not None:
        stats.removed = sum(1 for key in old.documents if key not in current)

    matrix = None
    if emb is not None:
        todo = [i for i, r in enumerate(reuse_rows) if r < 0]
        matrix = np.zeros((len(rows), emb.dim), dtype=np.float32)
        keep = [i for i, r in enumerate(reuse_rows) if r >= 0]
        if keep:
            matrix[keep] = old.matrix[[reuse_rows[i] for i in keep]]
        if todo:
            matrix[todo] = emb.encode([rows[i][1].index_text() for i in todo], batch_size=batch_size, show_progress=progress)
        stats.embedded = len(todo)

    generation = int(old.meta.get("generation", 0)) + 1 if old is not None else 1
    meta = {
        **params,
        "generation": generation,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "embedding_model": getattr(emb, "model_id", "") or "",
        "embedding_path": str(getattr(emb, "path", "") or ""),
        "embedding_fingerprint": fingerprint or "",
        "embedding_dim": getattr(emb, "dim", 0) or 0,
        "sources": os.pathsep.join(str(s) for s in sources),
        "ingest_rules": rules,
    }
    store.write_index(index_dir, meta=meta, documents=documents, chunks=rows, matrix=matrix, skipped=skipped)
    stats.documents = len(documents)
    stats.chunks = sum(1 for _, c in rows if c.kind == "content")
    stats.seconds = time.perf_counter() - t0
    return stats
