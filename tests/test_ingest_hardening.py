"""Knowledge-base ingest against hostile and broken files (security review of `kb build`).

One bad file is skipped with a one-line reason and the build goes on; resource caps bound
what a file may expand into (file size, PDF pages and decompressed streams, extracted
text, front matter, stored metadata); YAML anchors/aliases are refused; each file is read
once. The PDFs here are built by hand, the Flate bomb included (~1 KB that inflates to
256 MB), so nothing is downloaded.
"""

from __future__ import annotations

import builtins
import io
import logging
import sqlite3
import tracemalloc
import zlib
from pathlib import Path

import pytest
import yaml
from _helpers import make_pdf

from creditai.kb import ingest, store
from creditai.kb.ingest import SkipFile, load_document, load_documents, split_front_matter
from creditai.kb.search import KnowledgeBase, build_index

GOOD_MD = (
    "---\ntitle: Reinvestigation deadline\ndoc_type: credit_laws\ncitations: [\"15 U.S.C. 1681i\"]\n---\n\n"
    "## Deadline\n\nThe bureau must finish the reinvestigation of a disputed item within thirty days.\n"
)
PROSE = "A furnisher must investigate a direct dispute about a tradeline and report the result. "


def text_pdf(text: str, flate: bool = False) -> bytes:
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return make_pdf(zlib.compress(content), b"/Filter /FlateDecode") if flate else make_pdf(content)


@pytest.fixture(scope="module")
def flate_bomb() -> bytes:
    """~1 KB PDF whose content stream inflates to 256 MB: zeros deflated twice
    (/Filter [/FlateDecode /FlateDecode]); the first stage is 256 KB, the second 256 MB."""
    comp = zlib.compressobj(9)
    zeros = bytes(1 << 20)
    once = b"".join([comp.compress(zeros) for _ in range(256)] + [comp.flush()])
    twice = zlib.compress(once, 9)
    pdf = make_pdf(twice, b"/Filter [/FlateDecode /FlateDecode]")
    assert len(pdf) < 4096 and zlib.decompressobj().decompress(once, 1 << 20)  # tiny file, real deflate
    return pdf


def one_line(reason: str) -> bool:
    return "\n" not in reason and 0 < len(reason) <= 500


# ---------------------------------------------------------------- 1. a bad file is skipped, the build goes on


def test_flate_bomb_is_skipped_within_the_stream_cap(tmp_path: Path, flate_bomb: bytes) -> None:
    f = tmp_path / "bomb.pdf"
    f.write_bytes(flate_bomb)
    tracemalloc.start()
    try:
        with pytest.raises(SkipFile) as exc:
            load_document(f)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "LimitReachedError" in str(exc.value) and one_line(str(exc.value))
    # pypdf's own default stops one stream at 75 MB; ours at MAX_PDF_STREAM_BYTES (16 MB)
    assert peak < 3 * ingest.MAX_PDF_STREAM_BYTES < 75_000_000
    import pypdf

    if hasattr(pypdf, "get_configuration"):  # the limits were lowered for this parse only
        assert pypdf.get_configuration().zlib_maximum_output_length == pypdf.Configuration().zlib_maximum_output_length


def test_build_over_bad_pdfs_indexes_the_good_file(tmp_path: Path, flate_bomb: bytes, caplog) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    good_pdf = text_pdf("The bureau must reinvestigate a disputed item within thirty days.")
    (kb / "bomb.pdf").write_bytes(flate_bomb)
    (kb / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 2])
    (kb / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 16)
    (kb / "good.md").write_text(GOOD_MD)
    # the logger itself: `creditai kb build` (tested in test_kb.py) raises it to ERROR for its own output
    with caplog.at_level(logging.WARNING, logger="creditai.kb.search"):
        stats = build_index([kb], tmp_path / "idx", embedder=None)
    assert stats.added == 1 and stats.skipped == 3 and stats.documents == 1
    for name in ("bomb.pdf", "truncated.pdf", "garbage.pdf"):
        [w] = [w for w in stats.warnings if name in w]
        assert "skipped" in w and one_line(w)
        assert any(name in r.getMessage() for r in caplog.records)
    index = KnowledgeBase.load(tmp_path / "idx", embedder=None)
    assert index.chunks and all(c.source.endswith("good.md") for c in index.chunks)
    assert [d.title for d in index.data.documents.values()] == ["Reinvestigation deadline"]
    # the same folder through load_documents
    docs, warnings = load_documents([kb])
    assert [Path(d.path).name for d in docs] == ["good.md"] and len(warnings) == 3


@pytest.mark.parametrize(
    "error",
    [
        RecursionError("maximum recursion depth exceeded"),
        MemoryError(),
        zlib.error("Error -3 while decompressing data: invalid distance too far back"),
        UnicodeDecodeError("utf-16-be", b"\xd8\x00", 0, 2, "illegal UTF-16 surrogate"),
        AssertionError(),
        TypeError("'NullObject' object is not subscriptable"),
        IndexError("list index out of range"),
        "LimitReachedError",
        "PyPdfError",
        "PdfStreamError",
        "ParseError",
    ],
    ids=lambda e: e if isinstance(e, str) else ("zlib.error" if isinstance(e, zlib.error) else type(e).__name__),
)
def test_any_pdf_error_becomes_skipfile(tmp_path: Path, monkeypatch, error) -> None:
    import pypdf
    from pypdf import errors

    exc = getattr(errors, error)("multi\nline\nmessage") if isinstance(error, str) else error

    def broken_reader(*args, **kwargs):
        raise exc

    monkeypatch.setattr(pypdf, "PdfReader", broken_reader)
    f = tmp_path / "x.pdf"
    f.write_bytes(text_pdf(PROSE))
    with pytest.raises(SkipFile) as skip:
        load_document(f)
    reason = str(skip.value)
    assert type(exc).__name__ in reason and one_line(reason)


@pytest.mark.parametrize(
    "front_matter,why",
    [
        ("title: x\ndate: 2024-13-45\n", "invalid front matter"),  # PyYAML raises ValueError, not YAMLError
        ("title: x\nn: " + "9" * 5000 + "\n", "invalid front matter"),  # int over Python's digit limit
        ("title: x\nnested: " + "[" * 3000 + "]" * 3000 + "\n", "invalid front matter"),  # RecursionError
        ("title: [unclosed\n", "invalid front matter"),  # YAMLError
    ],
    ids=["bad-date", "huge-int", "deep-nesting", "syntax"],
)
def test_front_matter_errors_skip_the_file(tmp_path: Path, front_matter: str, why: str) -> None:
    f = tmp_path / "doc.md"
    f.write_text(f"---\n{front_matter}---\n\n{PROSE}\n")
    with pytest.raises(SkipFile, match=why) as skip:
        load_document(f)
    assert one_line(str(skip.value))


def test_html_and_text_parse_errors_become_skipfile(tmp_path: Path, monkeypatch) -> None:
    def explode(_html):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(ingest, "html_to_text", explode)
    f = tmp_path / "page.html"
    f.write_text(f"<html><body><p>{PROSE}</p></body></html>")
    with pytest.raises(SkipFile, match="RecursionError"):
        load_document(f)


def test_metadata_the_index_cannot_store_skips_the_file_not_the_build(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "good.md").write_text(GOOD_MD)
    (kb / "dated.md").write_text(f"---\ntitle: x\nhistory:\n  2024-01-01: published\n---\n\n{PROSE}\n")  # date keys: no JSON
    stats = build_index([kb], tmp_path / "idx", embedder=None)
    assert stats.added == 1 and stats.skipped == 1
    assert any("dated.md" in w and "could not be parsed" in w for w in stats.warnings)


def test_a_chunking_failure_skips_the_file_not_the_build(tmp_path: Path, monkeypatch) -> None:
    from creditai.kb import search

    real = search.chunk_document

    def flaky(doc, *args, **kwargs):
        if "bad" in doc.path:
            raise RuntimeError("chunker bug")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(search, "chunk_document", flaky)
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "good.md").write_text(GOOD_MD)
    (kb / "bad.md").write_text(GOOD_MD.replace("Reinvestigation deadline", "Other"))
    stats = build_index([kb], tmp_path / "idx", embedder=None)
    assert stats.added == 1 and stats.skipped == 1
    assert any("bad.md" in w and "RuntimeError: chunker bug" in w for w in stats.warnings)


# ---------------------------------------------------------------- 2. caps


def test_caps_are_module_constants() -> None:
    assert ingest.MAX_FILE_BYTES == 20 * 1024 * 1024
    assert ingest.MAX_PDF_PAGES == 500
    assert ingest.MAX_PDF_STREAM_BYTES == 16 * 1024 * 1024
    assert ingest.MAX_TEXT_CHARS == 2_000_000
    assert ingest.MAX_FRONT_MATTER_BYTES == 64 * 1024
    assert ingest.MAX_METADATA_BYTES == 32 * 1024


def test_file_over_size_cap_is_skipped_unread(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "huge.md"
    with open(f, "wb") as fh:  # sparse: 20 MB + 1 byte of zeros, nothing written
        fh.truncate(ingest.MAX_FILE_BYTES + 1)
    reads = []
    real_open = builtins.open

    class ReadSpy:
        def __init__(self, fh):
            self._fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._fh.close()

        def read(self, *args):
            reads.append(args)
            return self._fh.read(*args)

        def __getattr__(self, name):
            return getattr(self._fh, name)

    def spy(file, *args, **kwargs):
        fh = real_open(file, *args, **kwargs)
        return ReadSpy(fh) if isinstance(file, (str, Path)) and Path(file) == f else fh

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)
    with pytest.raises(SkipFile, match=r"file too large \(20,971,521 bytes > 20,971,520 bytes cap\)"):
        load_document(f)
    assert reads == []
    with pytest.raises(SkipFile, match="file too large"):
        load_document(f, b"x" * (ingest.MAX_FILE_BYTES + 1))
    monkeypatch.undo()
    stats = build_index([tmp_path], tmp_path / "idx", embedder=None)
    assert stats.skipped == 1 and "huge.md: skipped: file too large" in stats.warnings[0]


def test_pdf_over_page_cap_is_skipped(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(ingest.MAX_PDF_PAGES + 1):
        writer.add_blank_page(612, 792)
    buf = io.BytesIO()
    writer.write(buf)
    f = tmp_path / "long.pdf"
    f.write_bytes(buf.getvalue())
    with pytest.raises(SkipFile, match=r"too many PDF pages \(501 > 500 cap\)"):
        load_document(f)


def test_text_over_length_cap_is_skipped(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "long.txt"
    f.write_text(PROSE * (ingest.MAX_TEXT_CHARS // len(PROSE) + 10))
    with pytest.raises(SkipFile, match=r"text too long \([\d,]+ characters > 2,000,000 cap\)"):
        load_document(f)
    # PDFs stop extracting as soon as the cap is passed
    monkeypatch.setattr(ingest, "MAX_TEXT_CHARS", 20)
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(text_pdf(PROSE))
    with pytest.raises(SkipFile, match="text too long"):
        load_document(pdf)


def test_pdf_stream_cap_bounds_decompression(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "flate.pdf"
    f.write_bytes(text_pdf(PROSE, flate=True))
    assert "furnisher" in load_document(f).text  # a normal Flate stream is well under the cap
    monkeypatch.setattr(ingest, "MAX_PDF_STREAM_BYTES", 16)
    with pytest.raises(SkipFile, match="PDF over a pypdf resource limit"):
        load_document(f)


def test_front_matter_over_size_cap_is_skipped(tmp_path: Path) -> None:
    comments = "".join(f"# comment line {i:06d} padding padding padding\n" for i in range(2000))  # ~90 KB
    f = tmp_path / "big-fm.md"
    f.write_text(f"---\ntitle: x\n{comments}---\n\n{PROSE}\n")
    with pytest.raises(SkipFile, match=r"front matter too large \(\d+ KB > 64 KB cap\)"):
        load_document(f)


def test_metadata_over_size_cap_is_skipped(tmp_path: Path) -> None:
    notes = "".join(f"  - note {i} about this document, long enough to add up\n" for i in range(800))  # ~45 KB
    f = tmp_path / "notes.md"
    f.write_text(f"---\ntitle: x\nnotes:\n{notes}---\n\n{PROSE}\n")
    assert len(f.read_text()) < ingest.MAX_FRONT_MATTER_BYTES
    with pytest.raises(SkipFile, match=r"metadata too large \(JSON of \d+ KB > 32 KB cap\)"):
        load_document(f)
    small = tmp_path / "small.md"
    small.write_text(f"---\ntitle: x\nnotes:\n{''.join(notes.splitlines(keepends=True)[:20])}---\n\n{PROSE}\n")
    assert len(load_document(small).metadata["notes"]) > 10


# ---------------------------------------------------------------- 3. YAML anchors and aliases


BILLION_LAUGHS = (
    "---\n"
    "title: Laughs\n"
    'lol1: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"lol{i}: &{chr(96 + i)} [{','.join(['*' + chr(95 + i)] * 9)}]\n" for i in range(2, 10))
    + "---\n\nThe bureau must finish the reinvestigation within thirty days.\n"
)


def test_billion_laughs_front_matter_is_refused(tmp_path: Path) -> None:
    assert len(BILLION_LAUGHS) < 600 and "*h,*h" in BILLION_LAUGHS
    f = tmp_path / "laughs.md"
    f.write_text(BILLION_LAUGHS)
    with pytest.raises(SkipFile, match=r"^front matter uses YAML anchors/aliases$"):
        load_document(f)


@pytest.mark.parametrize(
    "front_matter",
    [
        "title: x\nbase: &b {doc_type: education}\nother: *b\n",
        "title: x\nbase: &b {doc_type: education}\nmerged:\n  <<: *b\n",
        "title: &t x\n",  # an anchor alone is refused too
    ],
    ids=["alias", "merge-key", "anchor-only"],
)
def test_anchors_and_aliases_are_refused(front_matter: str) -> None:
    with pytest.raises(SkipFile, match="front matter uses YAML anchors/aliases"):
        split_front_matter(f"---\n{front_matter}---\nbody\n")


def test_front_matter_keeps_safe_load_semantics() -> None:
    block = (
        "title: 'FCRA 611'\ndoc_type: credit_laws\nupdated: 2024-05-01\ncount: 3\nratio: 0.5\nflag: yes\n"
        "empty:\ncitations: [\"15 U.S.C. 1681i\", FCRA 611]\nnested: {a: [1, 2], b: {c: null}}\n"
        "multi: |\n  line one\n  line two\n"
    )
    text = f"---\n{block}---\nbody text\n"
    meta, body = split_front_matter(text)
    assert meta == yaml.safe_load(ingest._FRONT_MATTER.match(text).group(1)) and body == "body text\n"  # as before
    assert meta["updated"].isoformat() == "2024-05-01" and meta["flag"] is True and meta["nested"]["b"] == {"c": None}
    with pytest.raises(SkipFile):  # still no arbitrary Python objects
        split_front_matter("---\nx: !!python/object/apply:os.system ['true']\n---\nbody\n")


def test_build_with_alias_bomb_keeps_the_index_small(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "good.md").write_text(GOOD_MD)
    # six levels (9^6 = 531,441 strings) so that the unfixed code fails fast instead of running out of memory
    (kb / "laughs.md").write_text(
        "---\ntitle: Laughs\n" + 'l1: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"l{i}: &{chr(96 + i)} [{','.join(['*' + chr(95 + i)] * 9)}]\n" for i in range(2, 7))
        + "---\n\nThe bureau must finish the reinvestigation within thirty days.\n"
    )
    stats = build_index([kb], tmp_path / "idx", embedder=None)
    assert stats.added == 1 and stats.skipped == 1
    assert any("laughs.md: skipped: front matter uses YAML anchors/aliases" in w for w in stats.warnings)
    assert store.index_bytes(tmp_path / "idx") < 256 * 1024
    con = sqlite3.connect(store.db_path(tmp_path / "idx"))
    try:
        sizes = [len(m) for (m,) in con.execute("SELECT metadata FROM documents")]
    finally:
        con.close()
    assert sizes and max(sizes) <= ingest.MAX_METADATA_BYTES


# ---------------------------------------------------------------- 4. each file is read once


@pytest.fixture()
def open_counter(monkeypatch):
    """Counts opens per path (builtins.open, io.open: what pathlib and pypdf use)."""
    counts: dict[str, int] = {}
    real_open = builtins.open

    def counting(file, *args, **kwargs):
        if isinstance(file, (str, Path)):
            key = str(Path(file).resolve())
            counts[key] = counts.get(key, 0) + 1
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting)
    monkeypatch.setattr(io, "open", counting)
    return counts


def test_each_file_is_read_once(tmp_path: Path, open_counter: dict[str, int]) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "good.md").write_text(GOOD_MD)
    (kb / "notes.txt").write_text(PROSE)
    (kb / "page.html").write_text(f"<html><body><h2>Freezes</h2><p>{PROSE}</p></body></html>")
    (kb / "letter.pdf").write_bytes(text_pdf(PROSE))
    (kb / "flate.pdf").write_bytes(text_pdf(PROSE.replace("furnisher", "creditor"), flate=True))
    (kb / "junk.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    names = sorted(p.name for p in kb.iterdir())
    open_counter.clear()

    def opened() -> dict[str, int]:
        return {Path(k).name: v for k, v in open_counter.items() if Path(k).parent == kb.resolve()}

    load_document(kb / "letter.pdf")
    assert opened() == {"letter.pdf": 1}
    open_counter.clear()
    first = build_index([kb], tmp_path / "idx", embedder=None)
    assert first.added == 5 and first.skipped == 1
    assert opened() == {n: 1 for n in names}
    open_counter.clear()
    (kb / "notes.txt").write_text(PROSE + "Changed.")
    open_counter.clear()
    again = build_index([kb], tmp_path / "idx", embedder=None)  # incremental: hash, reuse or re-parse the same bytes
    assert again.unchanged == 4 and again.updated == 1 and again.skipped == 1
    assert opened() == {n: 1 for n in names}
    open_counter.clear()
    load_documents([kb])
    assert opened() == {n: 1 for n in names}


# ---------------------------------------------------------------- incremental builds under changed caps


def test_changed_caps_recheck_remembered_files(tmp_path: Path, monkeypatch) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "good.md").write_text(GOOD_MD)
    (kb / "long.txt").write_text(PROSE * 40)  # ~3,500 characters
    idx = tmp_path / "idx"
    monkeypatch.setattr(ingest, "MAX_TEXT_CHARS", 1000)
    first = build_index([kb], idx, embedder=None)
    assert first.added == 1 and first.skipped == 1 and "text too long" in first.warnings[0]
    assert build_index([kb], idx, embedder=None).skipped == 1  # same caps: remembered by hash
    monkeypatch.setattr(ingest, "MAX_TEXT_CHARS", 10_000)
    raised = build_index([kb], idx, embedder=None)  # a raised cap lets the remembered file in
    assert raised.added == 1 and raised.unchanged == 1 and raised.skipped == 0
    good_meta = ingest.metadata_size(load_document(kb / "good.md"))
    long_meta = ingest.metadata_size(load_document(kb / "long.txt"))
    assert long_meta < good_meta
    monkeypatch.setattr(ingest, "MAX_METADATA_BYTES", (long_meta + good_meta) // 2)
    lowered = build_index([kb], idx, embedder=None)  # a lowered cap drops an indexed, unchanged document
    assert lowered.skipped == 1 and lowered.unchanged == 1 and lowered.removed == 1
    assert any("good.md: skipped: metadata too large" in w for w in lowered.warnings)
    docs = store.read_index(idx).documents
    assert [Path(d.source).name for d in docs.values()] == ["long.txt"]
    assert store.read_index(idx).meta["ingest_rules"] == ingest.ingest_rules()
