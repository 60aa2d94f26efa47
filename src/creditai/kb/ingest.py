"""Read knowledge-base files (.md with YAML front matter, .txt, .html, .pdf) into `Document`s.

Garbage is never indexed: binary files (NUL bytes, undecodable bytes, control characters,
U+FFFD replacement characters) and text that is mostly not words (scraped stylesheets,
scripts, JSON) raise `SkipFile` with the reason, which `build_index` logs as a warning.

Knowledge-base folders hold files nobody reviewed (scraped pages, downloaded PDFs), so one
hostile or broken file must cost bounded time and memory and be skipped, never abort a build:
a file is read once (`read_source`, size-capped before reading) and parsed from memory; the
MAX_* caps below bound what it may expand into; YAML anchors/aliases are refused (a few
hundred bytes of nested aliases serialize to hundreds of MB); and any exception while
parsing one file (pypdf errors and limits, zlib, RecursionError, MemoryError, YAML,
UnicodeError, ...) becomes `SkipFile` with a one-line reason.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
DEFAULT_DOC_TYPE = "general"
# A directory walk skips folder READMEs (they describe the folder, they are not KB content).
SKIPPED_NAMES = {"readme.md", "readme.txt", "readme"}

# Resource caps; a file over one is skipped with a reason that names the cap. They are read
# at call time, so a caller (or a test) may change them on the module.
MAX_FILE_BYTES = 20 * 1024 * 1024  # raw file size, checked before the file is read
MAX_PDF_PAGES = 500
# Decompressed output of one PDF stream (pypdf's per-filter output limits, which default to
# 75 MB); a Flate bomb of a few hundred bytes stops here instead of inflating to gigabytes.
MAX_PDF_STREAM_BYTES = 16 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000  # extracted text of one file (~1,000 pages of prose)
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_METADATA_BYTES = 32 * 1024  # JSON of what the index stores per document besides its text
# Bumped when the rules above change in kind (not just in value), so that `build_index`
# re-checks documents and skipped files it remembers by content hash.
INGEST_RULES_VERSION = 2

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.S)
_WORDLIKE = re.compile(r"[(\"'“‘\[]?[^\W\d_]+(?:[-'’.][^\W\d_]+)*[)\"'”’\].,;:!?]*")
_CODE_CHARS = set("{}[];=<>|\\*/#$%^~`")


class SkipFile(Exception):
    """A file that must not be indexed; the message says why."""


def describe_error(exc: BaseException, limit: int = 200) -> str:
    """`Type: message` of an exception on one line of at most `limit` characters (skip
    reasons end up in log lines and in the index's skipped table)."""
    try:
        msg = " ".join(str(exc).split())
    except Exception:  # a broken __str__ must not turn a skip into a crash
        msg = ""
    text = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ingest_rules() -> str:
    """The rules and caps files are ingested under, as one string. `build_index` stores it
    with the index and re-checks remembered files when it changes."""
    caps = (MAX_FILE_BYTES, MAX_PDF_PAGES, MAX_PDF_STREAM_BYTES, MAX_TEXT_CHARS, MAX_FRONT_MATTER_BYTES, MAX_METADATA_BYTES)
    return f"v{INGEST_RULES_VERSION}:" + ",".join(str(c) for c in caps)


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def _over(size: int, cap: int) -> str:
    """'95 KB > 64 KB cap' for a skip reason; in bytes when rounding would hide the difference."""
    a, b = _kb(size), _kb(cap)
    return f"{a} > {b} cap" if a != b else f"{size:,} bytes > {cap:,} bytes cap"


def read_source(path: str | Path) -> bytes:
    """The bytes of `path`, read once; `SkipFile` when unreadable or over MAX_FILE_BYTES.

    The size is checked on the open file before reading, and the read stops one byte past
    the cap, so a file that grows meanwhile cannot take more memory than the cap either.
    """
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size <= MAX_FILE_BYTES:
                raw = fh.read(MAX_FILE_BYTES + 1)
                size = len(raw)
    except OSError as exc:
        raise SkipFile(f"unreadable ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise SkipFile(f"file too large ({_over(size, MAX_FILE_BYTES)})")
    return raw


@dataclass
class Document:
    """One ingested file: its text (front matter removed) and metadata."""

    path: str
    text: str
    title: str
    doc_type: str = DEFAULT_DOC_TYPE
    citations: list[str] = field(default_factory=list)
    jurisdiction: str | None = None
    questions: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    fmt: str = "md"

    @property
    def stem(self) -> str:
        return Path(self.path).stem


# --------------------------------------------------------------------------- garbage detection


def garbage_reason(text: str, *, min_word_ratio: float = 0.55) -> str | None:
    """Why `text` is not indexable prose, or None when it is fine.

    Checks, in order: empty; replacement / control characters (binary decoded as text);
    the share of whitespace tokens that look like words (unicode letters with light
    punctuation) — stylesheets, scripts, JSON and base64 fall far below prose.
    """
    stripped = text.strip()
    if not stripped:
        return "empty after extraction"
    n = len(stripped)
    if "\x00" in stripped:
        return "contains NUL bytes (binary file)"
    bad = stripped.count("\ufffd")
    ctrl = sum(1 for c in stripped if not (c.isprintable() or c.isspace()))
    if (bad + ctrl) / n > 0.01:
        return f"binary content ({(bad + ctrl) / n:.0%} unprintable or undecodable characters)"
    tokens = stripped.split()
    words = sum(1 for t in tokens if _WORDLIKE.fullmatch(t))
    ratio = words / max(1, len(tokens))
    code = sum(1 for c in stripped if c in _CODE_CHARS) / n
    if ratio < min_word_ratio - 0.1 or (ratio < min_word_ratio and code > 0.02):
        return f"mostly non-words ({ratio:.0%} word-like tokens, {code:.1%} code symbols: stylesheet/script/data?)"
    return None


def _decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw[:8192] or b"\x00" in raw:
        raise SkipFile("contains NUL bytes (binary file)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise SkipFile("undecodable bytes (not UTF-8 or cp1252 text)") from None
    log.debug("%s: not UTF-8, read as cp1252", path)
    return text


# --------------------------------------------------------------------------- formats


class _AliasesRefused(yaml.YAMLError):
    """Front matter that uses YAML anchors or aliases."""


class _NoAliasLoader(yaml.SafeLoader):
    """`yaml.safe_load` semantics, but anchors and aliases are refused.

    An alias shares a node, so a few hundred bytes of nested aliases ("billion laughs")
    become millions of strings once the metadata is serialized to JSON for the index.
    Front matter has no need for them; merge keys (`<<: *base`) are refused too.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _AliasesRefused(f"anchor/alias at line {event.start_mark.line + 1}")
        return super().compose_node(parent, index)


def split_front_matter(text: str, path: Path | str = "") -> tuple[dict[str, Any], str]:
    """(front matter mapping, body) of a markdown text; ({}, text) when there is none.

    Raises `SkipFile` when the front matter is over MAX_FRONT_MATTER_BYTES, uses YAML
    anchors/aliases, or does not parse: the document's type, citations and questions
    would be wrong, so it is not indexed until the front matter is fixed (this used to be
    a warning with the file indexed without metadata). A block that parses to something
    other than a mapping counts as no metadata. `path` is accepted for older callers.
    """
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    block = m.group(1)
    size = len(block.encode("utf-8", "replace"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise SkipFile(f"front matter too large ({_over(size, MAX_FRONT_MATTER_BYTES)})")
    try:
        meta = yaml.load(block, Loader=_NoAliasLoader) or {}
    except _AliasesRefused:
        raise SkipFile("front matter uses YAML anchors/aliases") from None
    except Exception as exc:  # YAMLError, and what constructors raise: bad dates, huge ints, deep nesting
        raise SkipFile(f"invalid front matter ({describe_error(exc)})") from None
    if not isinstance(meta, dict):
        meta = {}
    return meta, text[m.end():]


class _HTMLText(HTMLParser):
    """HTML -> text with markdown-style headings, skipping script/style/nav chrome."""

    SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer"}
    BLOCK = {"p", "div", "li", "tr", "br", "section", "article", "table", "ul", "ol", "blockquote", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False
        self._heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self._skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = tag
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCK:
            self.parts.append("\n\n" if tag in {"p", "section", "article", "table", "blockquote", "pre"} else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == self._heading:
            self._heading = None
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._skip:
            return
        if self._heading:
            data = " ".join(data.split())
        self.parts.append(data)

    def text(self) -> str:
        raw = "".join(self.parts)
        lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in raw.splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(title, text) of an HTML page; headings become markdown headings for the chunker."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.title.split()), parser.text()


# pypdf Configuration fields bounded by MAX_PDF_STREAM_BYTES (each filter's decompressed
# output and image buffers); fields an installed pypdf lacks are left out.
_PDF_OUTPUT_LIMITS = (
    "zlib_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "brotli_maximum_output_length",
    "jbig2_maximum_output_length",
    "array_based_stream_maximum_output_length",
    "image_maximum_buffer_size",
)


@contextmanager
def _pdf_limits() -> Iterator[None]:
    """pypdf's resource limits lowered to our caps for the duration of one parse.

    pypdf's configuration is a context variable (`pypdf.apply_configuration`), so this
    changes nothing for other threads or other pypdf users. A limit already set lower is
    kept. A pypdf without per-call configuration keeps its own defaults; the page and text
    caps still apply.
    """
    import pypdf

    apply = getattr(pypdf, "apply_configuration", None)
    get = getattr(pypdf, "get_configuration", None)
    if apply is None or get is None:
        yield
        return
    current = get()
    names = {f.name for f in dataclasses.fields(current)}
    caps = {name: MAX_PDF_STREAM_BYTES for name in _PDF_OUTPUT_LIMITS}
    caps["maximum_declared_stream_length"] = MAX_FILE_BYTES  # a stream cannot be longer than its file
    overrides = {}
    for name, cap in caps.items():
        if name in names:
            old = getattr(current, name)
            overrides[name] = cap if not old or old <= 0 else min(old, cap)  # 0 means "no limit" in pypdf
    with apply(**overrides):
        yield


def _pdf_pages_text(raw: bytes) -> tuple[str, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(raw))
    n_pages = len(reader.pages)
    if n_pages > MAX_PDF_PAGES:
        raise SkipFile(f"too many PDF pages ({n_pages:,} > {MAX_PDF_PAGES:,} cap)")
    pages: list[str] = []
    total = 0
    for i, page in enumerate(reader.pages, 1):
        text = (page.extract_text() or "").strip()
        total += len(text)
        if total > MAX_TEXT_CHARS:  # stop extracting as soon as the cap is passed
            raise SkipFile(f"text too long (over {MAX_TEXT_CHARS:,} characters in the first {i} of {n_pages} pages)")
        pages.append(text)
    title = ""
    if reader.metadata and reader.metadata.title:
        title = str(reader.metadata.title)
    return title, "\n\n".join(p for p in pages if p)


def pdf_to_text(source: bytes | str | Path) -> tuple[str, str]:
    """(title, text) of a PDF via pypdf; pages are separated by blank lines.

    `source` is the file's bytes (or a path, read once with `read_source`); pypdf parses
    them from memory, never reopening the file. Parsing runs under MAX_PDF_PAGES,
    MAX_TEXT_CHARS and, per stream, MAX_PDF_STREAM_BYTES of decompressed output. Any error
    (pypdf's of every kind, its LimitReachedError included, zlib, RecursionError on deep
    object nesting, MemoryError) becomes `SkipFile`.
    """
    raw = bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else read_source(source)
    try:
        with _pdf_limits():
            return _pdf_pages_text(raw)
    except SkipFile:
        raise
    except Exception as exc:
        from pypdf import errors

        limit = getattr(errors, "LimitReachedError", ())
        what = "PDF over a pypdf resource limit" if limit and isinstance(exc, limit) else "unreadable PDF"
        raise SkipFile(f"{what} ({describe_error(exc)})") from exc


# --------------------------------------------------------------------------- documents


def _first_heading(text: str) -> str:
    m = re.search(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M)
    return m.group(1).strip() if m else ""


def _title_from_url(url: str) -> str:
    slug = [p for p in re.sub(r"[?#].*", "", url).split("/") if p][-1:] or [""]
    words = re.sub(r"[-_]+", " ", re.sub(r"\.\w+$", "", slug[0])).strip()
    return words[:1].upper() + words[1:] if words else ""


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [s.strip() for s in str(value).split(";") if s.strip()]


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def metadata_size(doc: Document) -> int:
    """Bytes of JSON the index stores for `doc` besides its text (title, type, citations,
    jurisdiction, questions and the other front-matter fields), serialized as the store
    does. Raises TypeError/ValueError when that JSON cannot be written at all (e.g. a YAML
    date used as a mapping key)."""
    record = {
        "title": doc.title,
        "doc_type": doc.doc_type,
        "citations": doc.citations,
        "jurisdiction": doc.jurisdiction,
        "questions": doc.questions,
        "format": doc.fmt,
        **doc.metadata,
    }
    return len(json.dumps(record, default=str).encode("utf-8"))


def load_document(path: str | Path, raw: bytes | None = None, digest: str | None = None) -> Document:
    """Read one file into a `Document`; raise `SkipFile` for unsupported, oversized, garbage
    or unparsable files, with a one-line reason.

    `raw` is the file's bytes when the caller has read them already (`build_index` hashes
    them first and passes that `digest` too), so that each file is read and hashed once. Any exception while parsing one
    file becomes `SkipFile`: a bad file must never abort a build.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SkipFile(f"unsupported file type {suffix or '(none)'}")
    if raw is None:
        raw = read_source(path)
    elif len(raw) > MAX_FILE_BYTES:
        raise SkipFile(f"file too large ({_over(len(raw), MAX_FILE_BYTES)})")
    try:
        doc = _parse_document(path, suffix, raw, digest or content_hash(raw))
        size = metadata_size(doc)
    except SkipFile:
        raise
    except Exception as exc:  # MemoryError, RecursionError, UnicodeError, parser bugs: skip this file only
        raise SkipFile(f"could not be parsed ({describe_error(exc)})") from exc
    if size > MAX_METADATA_BYTES:
        raise SkipFile(f"metadata too large (JSON of {_over(size, MAX_METADATA_BYTES)})")
    return doc


def _parse_document(path: Path, suffix: str, raw: bytes, digest: str) -> Document:
    meta: dict[str, Any] = {}
    title = ""
    if suffix == ".pdf":
        if not raw.startswith(b"%PDF"):
            raise SkipFile("not a PDF (no %PDF header)")
        title, body = pdf_to_text(raw)
        fmt = "pdf"
    else:
        text = _decode(raw, path)
        if suffix in (".html", ".htm"):
            title, body = html_to_text(text)
            fmt = "html"
        elif suffix == ".txt":
            body, fmt = text, "txt"
            meta, rest = split_front_matter(text, path)  # a .txt may carry front matter too
            if meta:
                body = rest
        else:
            meta, body = split_front_matter(text, path)
            fmt = "md"
    if len(body) > MAX_TEXT_CHARS:
        raise SkipFile(f"text too long ({len(body):,} characters > {MAX_TEXT_CHARS:,} cap)")
    reason = garbage_reason(body)
    if reason:
        raise SkipFile(reason)
    body = body.strip()
    title = str(meta.get("title") or title or _first_heading(body) or _title_from_url(str(meta.get("source_url", ""))) or path.stem.replace("-", " ").replace("_", " "))
    extras = {k: v for k, v in meta.items() if k not in {"title", "doc_type", "citations", "jurisdiction", "questions"}}
    return Document(
        path=str(path),
        text=body,
        title=" ".join(title.split()),
        doc_type=str(meta.get("doc_type") or DEFAULT_DOC_TYPE),
        citations=_as_list(meta.get("citations")),
        jurisdiction=str(meta["jurisdiction"]) if meta.get("jurisdiction") else None,
        questions=_as_list(meta.get("questions")) if isinstance(meta.get("questions"), list) else [],
        metadata=extras,
        content_hash=digest,
        fmt=fmt,
    )


def iter_source_files(sources: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Supported files under `sources` (folders are walked recursively, hidden entries and
    folder READMEs skipped; a file named directly is always taken) and warnings for missing
    sources. Sorted, so builds are deterministic."""
    files: list[Path] = []
    warnings: list[str] = []
    for src in sources:
        src = Path(src)
        if src.is_file():
            files.append(src)
        elif src.is_dir():
            for f in sorted(src.rglob("*")):
                rel = f.relative_to(src).parts
                if any(p.startswith(".") for p in rel) or not f.is_file():
                    continue
                if f.suffix.lower() in SUPPORTED_SUFFIXES and f.name.lower() not in SKIPPED_NAMES:
                    files.append(f)
        else:
            warnings.append(f"{src}: source not found, skipped")
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, warnings


def load_documents(sources: Iterable[str | Path]) -> tuple[list[Document], list[str]]:
    """Every indexable document under `sources`, plus one warning per skipped file."""
    files, warnings = iter_source_files(sources)
    docs = []
    for f in files:
        try:
            docs.append(load_document(f))
        except SkipFile as exc:
            msg = f"{f}: skipped: {exc}"
            log.warning(msg)
            warnings.append(msg)
    return docs, warnings
