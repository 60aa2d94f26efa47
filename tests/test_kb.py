"""Knowledge base: ingestion, garbage skipping, chunking, incremental index, search, CLI.

A tiny hashing embedder stands in for MiniLM so these tests stay fast; the real encoder is
exercised in test_embeddings.py and the retrieval benchmark.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from _helpers import make_pdf

from creditai.kb import store
from creditai.kb.chunk import chunk_text
from creditai.kb.ingest import SkipFile, garbage_reason, load_document
from creditai.kb.search import BM25Index, DocGroups, KnowledgeBase, build_index, convex_fuse, dense_scores, rocchio, tokenize

REPO = Path(__file__).resolve().parents[1]
PUBLIC_CORPUS = REPO.parent / "shared" / "data" / "public_kb_corpus"


class HashEmbedder:
    """Deterministic bag-of-words embedder with the Embedder interface; counts encoded texts."""

    def __init__(self, dim: int = 64, salt: str = "a"):
        self.dim, self.salt = dim, salt
        self.model_id = f"hash-{salt}"
        self.path = Path(f"/nonexistent/hash-{salt}")
        self.fingerprint = f"hash-{salt}-{dim}"
        self.encoded = 0

    def encode(self, texts, batch_size=32, show_progress=False):
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for tok in tokenize(t):
                h = int(hashlib.md5((self.salt + tok).encode()).hexdigest(), 16)
                out[i, h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def md(title: str, doc_type: str, body: str, citations=("15 U.S.C. 1681i",)) -> str:
    cites = ", ".join(f'"{c}"' for c in citations)
    return f'---\ntitle: "{title}"\ndoc_type: {doc_type}\njurisdiction: US-federal\ncitations: [{cites}]\nquestions:\n  - "a question"\n---\n\n{body}\n'


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with `text` in Helvetica, offsets computed so pypdf reads it cleanly."""
    return make_pdf(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())


@pytest.fixture()
def kb_dir(tmp_path: Path) -> Path:
    d = tmp_path / "kb"
    d.mkdir()
    (d / "fcra-611.md").write_text(md(
        "FCRA 611 reinvestigation", "credit_laws",
        "## Deadline\n\nThe bureau must finish the reinvestigation of a dispute within 30 days.\n\n"
        "## Frivolous disputes\n\nA bureau may stop a frivolous dispute and must tell you why within 5 business days.",
        citations=("15 U.S.C. 1681i", "FCRA 611(a)(1)"),
    ))
    (d / "dispute-letters.md").write_text(md(
        "Dispute letter checklist", "compliance",
        "## What to include\n\nA dispute letter names the account, the error and asks for deletion or correction. Attach proof.",
        citations=("12 CFR 1022.43",),
    ))
    (d / "collections.md").write_text(md(
        "Collection accounts", "account_types",
        "## Paid collections\n\nA paid collection stays on the report for seven years from the date of first delinquency.",
    ))
    (d / "notes.txt").write_text("Goodwill letters ask a creditor to remove an accurate late payment as a courtesy.\n")
    (d / "page.html").write_text(
        "<html><head><title>Credit freezes</title><style>.x{color:red}</style></head><body>"
        "<nav>Home | About</nav><h2>How a freeze works</h2><p>A security freeze stops new creditors "
        "from seeing your report. It is free at every nationwide bureau.</p><script>var a=1;</script></body></html>"
    )
    (d / "letter.pdf").write_bytes(minimal_pdf("A furnisher must investigate a direct dispute about a tradeline."))
    return d


# ---------------------------------------------------------------- ingest


def test_ingest_formats(kb_dir: Path) -> None:
    doc = load_document(kb_dir / "fcra-611.md")
    assert doc.title == "FCRA 611 reinvestigation" and doc.doc_type == "credit_laws"
    assert doc.citations == ["15 U.S.C. 1681i", "FCRA 611(a)(1)"] and doc.jurisdiction == "US-federal"
    assert doc.questions == ["a question"] and not doc.text.startswith("---")
    txt = load_document(kb_dir / "notes.txt")
    assert "Goodwill" in txt.text and txt.doc_type == "general"
    html = load_document(kb_dir / "page.html")
    assert html.title == "Credit freezes" and "## How a freeze works" in html.text
    assert "color:red" not in html.text and "var a" not in html.text and "Home | About" not in html.text
    pdf = load_document(kb_dir / "letter.pdf")
    assert "furnisher must investigate" in pdf.text and pdf.fmt == "pdf"


@pytest.mark.parametrize(
    "name,content",
    [
        ("nul.md", b"---\ntitle: x\n---\nhello\x00\x00\x00world binary"),
        ("image.md", b"\x89PNG\r\n\x1a\n" + bytes(range(128, 256)) * 20),
        ("style.md", (".usa-card{display:flex;} .a > .b{margin:0 auto;} @media (min-width:40em){.c{flex:1 1 0%}} " * 30).encode()),
        ("fake.pdf", b"this is not a pdf at all"),
        ("latin.txt", "caf\xe9".encode("latin-1") + b"\xff\xfe\x00"),
    ],
)
def test_garbage_files_are_skipped(tmp_path: Path, name: str, content: bytes) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(SkipFile):
        load_document(f)


def test_garbage_reason_keeps_prose_and_foreign_text() -> None:
    assert garbage_reason("The bureau must reinvestigate a disputed item within thirty days.") is None
    assert garbage_reason("Chúng tôi là Cục Bảo Vệ Tài Chính Người Tiêu Dùng, một cơ quan chính phủ") is None
    assert garbage_reason("{ \"name\": \"x\", \"icons\": [ { \"src\": \"/a.png\", \"sizes\": \"192x192\" } ] }") is not None


def test_build_skips_garbage_with_warning(kb_dir: Path, tmp_path: Path, caplog) -> None:
    (kb_dir / "broken.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00IHDR" + bytes(range(256)) * 4)
    with caplog.at_level(logging.WARNING, logger="creditai.kb"):
        stats = build_index([kb_dir], tmp_path / "idx", embedder=None)
    assert stats.skipped == 1 and stats.added == 6
    assert any("broken.md" in w and "skipped" in w for w in stats.warnings)
    assert any("broken.md" in r.getMessage() for r in caplog.records)
    kb = KnowledgeBase.load(tmp_path / "idx", embedder=None)
    assert all("broken" not in c.source for c in kb.chunks)
    # unchanged garbage is remembered by hash and still reported on the next build
    again = build_index([kb_dir], tmp_path / "idx", embedder=None)
    assert again.skipped == 1 and again.unchanged == 6


# ---------------------------------------------------------------- chunking


def test_chunking_headings_sizes_overlap() -> None:
    long_para = " ".join(f"Sentence number {i} talks about disputes and bureaus." for i in range(60))
    text = f"Intro line before headings.\n\n# Title\n\n## Part A\n\nShort paragraph.\n\n{long_para}\n\n### Sub\n\n- item one\n- item two\n"
    chunks = chunk_text(text, chunk_size=300, overlap=60)
    assert chunks[0] == ("", "Intro line before headings.")
    assert all(len(t) <= 300 for _, t in chunks)
    part_a = [t for h, t in chunks if h == "Title > Part A"]
    assert len(part_a) > 3
    # consecutive pieces of the split paragraph share text (overlap)
    a, b = part_a[1], part_a[2]
    assert a.split()[-1] in b.split()[:15]
    assert ("Title > Part A > Sub", "- item one\n\n- item two") in chunks
    words = chunk_text(long_para, chunk_size=50, overlap=10, unit="words")
    assert all(len(t.split()) <= 50 for _, t in words) and len(words) >= 10
    with pytest.raises(ValueError):
        chunk_text("x", chunk_size=10, overlap=10)


# ---------------------------------------------------------------- index


def test_incremental_rebuild(kb_dir: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    emb = HashEmbedder()
    first = build_index([kb_dir], idx, embedder=emb)
    data = store.read_index(idx)
    n_questions = sum(c.kind == "question" for c in data.chunks)
    assert n_questions == 3  # one front-matter question per .md file
    assert first.added == 6 and first.embedded == first.chunks + n_questions == emb.encoded
    assert data.matrix.shape == (len(data.chunks), emb.dim) and data.matrix.dtype == np.float32
    assert np.allclose(np.linalg.norm(data.matrix, axis=1), 1.0, atol=1e-5)
    assert data.meta["embedding_model"] == "hash-a"

    emb.encoded = 0
    same = build_index([kb_dir], idx, embedder=emb)
    assert (same.unchanged, same.added, same.updated, same.removed, same.embedded) == (6, 0, 0, 0, 0)
    assert emb.encoded == 0

    (kb_dir / "collections.md").write_text(md("Collection accounts", "account_types", "## Paid\n\nChanged text about paid collections."))
    changed = build_index([kb_dir], idx, embedder=emb)
    assert (changed.updated, changed.unchanged, changed.embedded) == (1, 5, 2)  # 1 chunk + 1 question
    kb = KnowledgeBase.load(idx, embedder=emb)
    assert any("Changed text" in c.text for c in kb.chunks)
    # the reused rows still belong to their chunks
    row = next(i for i, c in enumerate(kb.chunks) if "30 days" in c.text)
    assert np.allclose(kb.matrix[row], emb.encode([kb.chunks[row].index_text()])[0], atol=1e-6)

    (kb_dir / "notes.txt").unlink()
    removed = build_index([kb_dir], idx, embedder=emb)
    assert removed.removed == 1 and removed.documents == 5 and removed.embedded == 0

    other = HashEmbedder(salt="b")
    switched = build_index([kb_dir], idx, embedder=other)
    assert switched.embedded == switched.chunks + 3 and switched.unchanged == 5
    assert len(list(idx.glob("embeddings-*.npy"))) == 1  # old generations are cleaned up

    rechunk = build_index([kb_dir], idx, embedder=other, chunk_size=200, overlap=20)
    assert rechunk.updated == 5 and rechunk.embedded == rechunk.chunks + 3


def test_knowledge_base_dirs_env(kb_dir: Path, tmp_path: Path, monkeypatch) -> None:
    work = tmp_path / "work"
    (work / "knowledge_base").mkdir(parents=True)
    (work / "knowledge_base" / "base.md").write_text(md("Base doc", "credit_laws", "Base text about reporting."))
    monkeypatch.chdir(work)
    monkeypatch.setenv("KNOWLEDGE_BASE_DIRS", f"{kb_dir},{tmp_path / 'missing'}")
    monkeypatch.setenv("CREDITAI_INDEX_DIR", str(tmp_path / "env_idx"))
    stats = build_index(embedder=None)
    assert stats.documents == 7 and stats.index_dir == str(tmp_path / "env_idx")
    assert any("missing" in w for w in stats.warnings)
    kb = KnowledgeBase.load(embedder=None)
    assert {Path(c.source).stem for c in kb.chunks} >= {"base", "fcra-611", "page"}


# ---------------------------------------------------------------- search


def test_bm25_matches_rank_bm25() -> None:
    from rank_bm25 import BM25Okapi

    docs = ["the bureau must reinvestigate disputes", "collections stay seven years", "dispute letters and bureau deadlines", "x"]
    toks = [tokenize(d) for d in docs]
    ours = BM25Index(toks).scores("bureau dispute deadline dispute")
    ref = BM25Okapi(toks).get_scores(tokenize("bureau dispute deadline dispute"))
    assert np.allclose(ours, ref, atol=1e-5)


def test_rocchio_moves_the_query_towards_its_feedback_rows() -> None:
    query = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    rows = np.array([[0.0, 1.0, 0.0], [0.0, 0.8, 0.6]], dtype=np.float32)
    moved = rocchio(query, rows, 0.5)
    assert moved.dtype == np.float32 and np.isclose(np.linalg.norm(moved), 1.0)
    target = rows.mean(axis=0)
    assert moved @ target > query @ target  # closer to the feedback
    assert moved[0] > moved[1]  # still mostly the original query at weight 0.5
    assert np.allclose(rocchio(query, rows, 0.0), query)


def test_convex_fuse_scales_and_weights_both_scores() -> None:
    lexical = np.array([0.0, 4.0, 2.0, 0.0], dtype=np.float32)
    dense = np.array([0.9, 0.1, 0.5, 0.3], dtype=np.float32)
    fused = convex_fuse(lexical, dense, alpha=0.5, depth=3)
    # dense scaled over its 3 best (0.9 -> 1, 0.3 -> 0), BM25 by its best (4 -> 1)
    assert np.allclose(fused, [0.5, 0.5, 0.5 * (0.2 / 0.6) + 0.25, 0.0], atol=1e-6)
    assert np.argmax(convex_fuse(lexical, dense, alpha=1.0)) == 0  # dense only
    assert np.argmax(convex_fuse(lexical, dense, alpha=0.0)) == 1  # BM25 only
    # a mask rescales over the allowed rows only
    mask = np.array([False, False, True, True])
    assert convex_fuse(lexical, dense, alpha=0.0, mask=mask)[2] == 1.0


def test_dense_scores_match_numpy() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((50, 8)).astype(np.float32)
    vec = rng.standard_normal(8).astype(np.float32)
    assert np.allclose(dense_scores(matrix, vec), matrix @ vec, atol=1e-5)


def test_doc_groups_and_document_level_evidence() -> None:
    groups = DocGroups.from_keys(["b", "a", "b", "c", "a"])
    assert groups.doc_max(np.array([1.0, 5.0, 3.0, 2.0, 0.0])).tolist() == [3.0, 5.0, 3.0, 2.0, 5.0]
    assert [m.tolist() for m in groups.members()] == [[0, 2], [1, 4], [3]]
    # rows 0-1 are one document: row 0 matches the words, row 1 the meaning; row 2 is a
    # document that half-matches both. Chunk-level fusion ranks row 2 first; with the
    # document's best evidence counted, the two-sided document wins.
    lexical = np.array([4.0, 0.0, 2.4, 0.0], dtype=np.float32)
    dense = np.array([0.0, 0.9, 0.6, 0.1], dtype=np.float32)
    two_docs = DocGroups.from_keys(["x", "x", "y", "z"])
    assert np.argmax(convex_fuse(lexical, dense, alpha=0.5, depth=4, doc_weight=0.0, groups=two_docs)) == 2
    fused = convex_fuse(lexical, dense, alpha=0.5, depth=4, doc_weight=0.5, groups=two_docs)
    assert fused[0] > fused[2] and fused[1] > fused[2]
    assert np.allclose(convex_fuse(lexical, dense, alpha=0.5, depth=4), convex_fuse(lexical, dense, alpha=0.5, depth=4, doc_weight=0.5))


def test_search_modes_filter_intent_and_citations(kb_dir: Path, tmp_path: Path) -> None:
    emb = HashEmbedder()
    build_index([kb_dir], tmp_path / "idx", embedder=emb)
    kb = KnowledgeBase.load(tmp_path / "idx", embedder=emb)
    assert kb.dense_available and kb.size() == sum(c.kind == "content" for c in kb.chunks) == 7
    info = kb.info()
    assert info["documents"] == 6 and info["modes"] == ["hybrid", "bm25", "dense"]
    for mode in ("hybrid", "bm25", "dense"):
        hits = kb.search("how many days does the bureau have for the reinvestigation", k=3, mode=mode)
        assert hits and hits[0].stem == "fcra-611", mode
    top = kb.search("frivolous dispute reinvestigation", k=1)[0]
    assert top.citations == ["15 U.S.C. 1681i", "FCRA 611(a)(1)"]
    d = top.as_dict()
    assert {"text", "source", "title", "doc_type", "score"} <= set(d) and d["citations"]
    only = kb.search("dispute", k=10, doc_types=["compliance"])
    assert only and {h.doc_type for h in only} == {"compliance"}
    routed = kb.search("dispute the bureau deadline", k=4, intent="dispute")
    assert routed[0].doc_type in {"compliance", "dispute_logic", "account_types"}
    assert len(routed) == 4  # too few routed hits: filled up from all documents
    assert kb.search("", k=3) == [] and kb.search("x", k=0) == []
    with pytest.raises(ValueError):
        kb.search("x", mode="nope")  # type: ignore[arg-type]


def test_bm25_fallback_without_embedder(kb_dir: Path, tmp_path: Path) -> None:
    build_index([kb_dir], tmp_path / "idx", embedder=HashEmbedder())
    # "auto" cannot load the (fake) model the index was built with: BM25 alone
    kb = KnowledgeBase.load(tmp_path / "idx")
    assert not kb.dense_available and kb.info()["modes"] == ["bm25"]
    hits = kb.search("security freeze new creditors", k=2, mode="hybrid")
    assert hits[0].stem == "page" and hits[0].citations == []
    # a different embedder than the index's re-embeds in memory
    kb2 = kb.with_embedder(HashEmbedder(salt="z"))
    assert kb2.dense_available and kb2.search("security freeze", k=1, mode="dense")[0].stem == "page"


# ---------------------------------------------------------------- CLI


def _cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    from creditai.cli import main

    monkeypatch.setattr(sys, "argv", ["creditai", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_build_search_json_and_batch(kb_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    idx = str(tmp_path / "idx")
    code, out, _ = _cli(monkeypatch, capsys, "kb", "build", "--source", str(kb_dir), "--index-dir", idx, "--bm25-only")
    assert code == 0 and "6 documents" in out and idx in out
    code, out, _ = _cli(monkeypatch, capsys, "kb", "search", "frivolous dispute", "--json", "-k", "2", "--index-dir", idx)
    assert code == 0
    res = json.loads(out)
    assert len(res["hits"]) == 2 and Path(res["hits"][0]["source"]).stem == "fcra-611"
    assert {"text", "source", "title", "doc_type", "score"} <= set(res["hits"][0])
    code, out, _ = _cli(monkeypatch, capsys, "kb", "search", "dispute", "--doc-type", "compliance", "--json", "--index-dir", idx)
    assert {h["doc_type"] for h in json.loads(out)["hits"]} == {"compliance"}

    queries = tmp_path / "q.jsonl"
    queries.write_text('{"query": "security freeze"}\n\n{"query": "paid collection", "k": 1, "id": 7}\n')
    hits_out = tmp_path / "hits.jsonl"
    code, _, _ = _cli(monkeypatch, capsys, "kb", "search", "--input", str(queries), "--output", str(hits_out), "--index-dir", idx)
    assert code == 0
    rows = [json.loads(line) for line in hits_out.read_text().splitlines()]
    assert len(rows) == 2 and rows[1]["id"] == 7 and len(rows[1]["hits"]) == 1
    assert set(rows[0]["hits"][0]) >= {"text", "source", "title", "doc_type", "score"}

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "ok"}\n{"text": "no query"}\n')
    code, _, err = _cli(monkeypatch, capsys, "kb", "search", "--input", str(bad), "--index-dir", idx)
    assert code == 2 and f"{bad}:2" in err and len(err.strip().splitlines()) == 1
    code, _, err = _cli(monkeypatch, capsys, "kb", "search", "x", "--index-dir", str(tmp_path / "none"))
    assert code == 2 and "kb build" in err


@pytest.mark.skipif(not PUBLIC_CORPUS.is_dir(), reason="shared public corpus not present")
def test_public_corpus_ingest_skips_garbage(tmp_path: Path) -> None:
    stats = build_index([PUBLIC_CORPUS], tmp_path / "idx", embedder=None)
    assert stats.documents > 300 and stats.skipped > 50
    kb = KnowledgeBase.load(tmp_path / "idx", embedder=None)
    sources = {Path(c.source).name for c in kb.chunks}
    assert "README.md" not in sources
    assert "www-identitytheft-gov-ftc-29f7d09122-chunk-001.md" not in sources  # a PNG scraped as text
    assert not any(re.search(r"[{};]\s*\.[a-z-]+\s*\{", c.text) for c in kb.chunks[:500])
    doc = next(iter(kb.data.documents.values()))
    assert doc.metadata.get("source_url", "").startswith("https://")
