"""The persistent, embedded index: one folder, no server.

    <index_dir>/index.sqlite        meta (model id/path/fingerprint, chunking, build time),
                                    documents (path, content hash, metadata), chunks (row,
                                    text, heading, title, doc_type, citations), skipped files
    <index_dir>/embeddings-<N>.npy  float32 (n_chunks, dim) matrix of normalized embeddings;
                                    row i belongs to the chunk with id i

A build writes a new SQLite file and a new matrix generation next to the old ones and swaps
the SQLite file in last (os.replace), so a reader never sees a half-written index.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from creditai.kb.chunk import Chunk
from creditai.train.common import write_atomically

DB_NAME = "index.sqlite"
SCHEMA_VERSION = "2"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents (
    key TEXT PRIMARY KEY, source TEXT NOT NULL, content_hash TEXT NOT NULL, title TEXT,
    doc_type TEXT, citations TEXT, metadata TEXT, n_chunks INTEGER
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, doc_key TEXT NOT NULL, source TEXT NOT NULL, ordinal INTEGER,
    heading TEXT, text TEXT NOT NULL, title TEXT, doc_type TEXT, citations TEXT, kind TEXT NOT NULL DEFAULT 'content'
);
CREATE INDEX chunks_doc ON chunks(doc_key);
CREATE TABLE skipped (key TEXT PRIMARY KEY, source TEXT, content_hash TEXT, reason TEXT);
"""


@dataclass
class DocRecord:
    key: str
    source: str
    content_hash: str
    title: str
    doc_type: str
    citations: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    n_chunks: int = 0


@dataclass
class IndexData:
    """Everything in an index folder, in memory. `matrix` is None for a BM25-only index."""

    meta: dict[str, str]
    documents: dict[str, DocRecord]
    chunks: list[Chunk]
    chunk_doc_keys: list[str]
    matrix: np.ndarray | None
    skipped: dict[str, tuple[str, str, str]]  # key -> (source, content hash, reason)

    @property
    def embedding_fingerprint(self) -> str | None:
        return self.meta.get("embedding_fingerprint") or None


def db_path(index_dir: str | Path) -> Path:
    return Path(index_dir) / DB_NAME


def exists(index_dir: str | Path) -> bool:
    return db_path(index_dir).is_file()


def read_index(index_dir: str | Path, *, load_matrix: bool = True) -> IndexData:
    """Load an index folder; raises FileNotFoundError when there is none."""
    index_dir = Path(index_dir)
    path = db_path(index_dir)
    if not path.is_file():
        raise FileNotFoundError(f"no knowledge-base index at {index_dir} (run `creditai kb build`)")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(con.execute("SELECT key, value FROM meta"))
        docs = {
            r[0]: DocRecord(r[0], r[1], r[2], r[3] or "", r[4] or "", json.loads(r[5] or "[]"), json.loads(r[6] or "{}"), r[7] or 0)
            for r in con.execute("SELECT key, source, content_hash, title, doc_type, citations, metadata, n_chunks FROM documents")
        }
        chunks: list[Chunk] = []
        keys: list[str] = []
        for row in con.execute("SELECT id, doc_key, source, ordinal, heading, text, title, doc_type, citations, kind FROM chunks ORDER BY id"):
            if row[0] != len(chunks):
                raise ValueError(f"{path}: chunk ids are not contiguous (index corrupt; rebuild it)")
            keys.append(row[1])
            chunks.append(Chunk(source=row[2], ordinal=row[3], heading=row[4] or "", text=row[5], title=row[6] or "", doc_type=row[7] or "", citations=json.loads(row[8] or "[]"), kind=row[9] or "content"))
        skipped = {r[0]: (r[1], r[2], r[3]) for r in con.execute("SELECT key, source, content_hash, reason FROM skipped")}
    finally:
        con.close()
    matrix = None
    name = meta.get("matrix_file")
    if load_matrix and name:
        matrix = np.load(index_dir / name)
        if matrix.shape[0] != len(chunks):
            raise ValueError(f"{index_dir / name}: {matrix.shape[0]} rows for {len(chunks)} chunks (index corrupt; rebuild it)")
    return IndexData(meta, docs, chunks, keys, matrix, skipped)


def write_index(
    index_dir: str | Path,
    *,
    meta: dict[str, Any],
    documents: list[DocRecord],
    chunks: list[tuple[str, Chunk]],
    matrix: np.ndarray | None,
    skipped: dict[str, tuple[str, str, str]],
) -> None:
    """Write a complete index generation; `chunks` are (doc key, chunk) in matrix row order."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    gen = int(meta.get("generation", 0))
    meta = {**meta, "schema_version": SCHEMA_VERSION}
    matrix_file = None
    if matrix is not None:
        if matrix.shape[0] != len(chunks):
            raise ValueError("embedding matrix rows do not match the chunks")
        matrix_file = f"embeddings-{gen}.npy"
        rows = np.ascontiguousarray(matrix, dtype=np.float32)

        def write_matrix(tmp: Path) -> None:
            with open(tmp, "wb") as fh:  # a file object: np.save would append .npy to a bare temp name
                np.save(fh, rows)

        write_atomically(index_dir / matrix_file, write_matrix)
    meta["matrix_file"] = matrix_file or ""

    def write_db(tmp_db: Path) -> None:
        con = sqlite3.connect(tmp_db)
        try:
            con.executescript(_SCHEMA)
            con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, "" if v is None else str(v)) for k, v in meta.items()])
            con.executemany(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(d.key, d.source, d.content_hash, d.title, d.doc_type, json.dumps(d.citations), json.dumps(d.metadata, default=str), d.n_chunks) for d in documents],
            )
            con.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(i, key, c.source, c.ordinal, c.heading, c.text, c.title, c.doc_type, json.dumps(c.citations), c.kind) for i, (key, c) in enumerate(chunks)],
            )
            con.executemany("INSERT INTO skipped VALUES (?, ?, ?, ?)", [(k, *v) for k, v in skipped.items()])
            con.commit()
        finally:
            con.close()

    write_atomically(db_path(index_dir), write_db)  # the SQLite file last: it names the matrix generation
    for f in index_dir.glob("embeddings-*.npy"):  # older generations
        if f.name != matrix_file:
            f.unlink(missing_ok=True)


def index_bytes(index_dir: str | Path) -> int:
    return sum(f.stat().st_size for f in Path(index_dir).iterdir() if f.is_file())
