"""Read knowledge-base files (.md with YAML front matter, .txt, .html, .pdf) into `Document`s.

Garbage is never indexed: binary files (NUL bytes, undecodable bytes, control characters,
U+FFFD replacement characters) and text that is mostly not words (scraped stylesheets,
scripts, JSON) raise `SkipFile` with the reason, which `build_index` logs as a warning.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable

import yaml

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
DEFAULT_DOC_TYPE = "general"
# A directory walk skips folder READMEs (they describe the folder, they are not KB content).
SKIPPED_NAMES = {"readme.md", "readme.txt", "readme"}

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.S)
_WORDLIKE = re.compile(r"[(\"'“‘\[]?[^\W\d_]+(?:[-'’.][^\W\d_]+)*[)\"'”’\].,;:!?]*")
_CODE_CHARS = set("{}[];=<>|\\*/#$%^~`")


class SkipFile(Exception):
    """A file that must not be indexed; the message says why."""


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


def split_front_matter(text: str, path: Path | str = "") -> tuple[dict[str, Any], str]:
    """(front matter mapping, body) of a markdown text; ({}, text) when there is none."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        log.warning("%s: invalid front matter ignored (%s)", path, getattr(exc, "problem", exc))
        meta = {}
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


def pdf_to_text(path: Path) -> tuple[str, str]:
    """(title, text) of a PDF via pypdf; pages are separated by blank lines."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = ""
        if reader.metadata and reader.metadata.title:
            title = str(reader.metadata.title)
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise SkipFile(f"unreadable PDF ({exc})") from None
    return title, "\n\n".join(p for p in pages if p)


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


def load_document(path: str | Path) -> Document:
    """Read one file into a `Document`; raise `SkipFile` for unsupported or garbage files."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SkipFile(f"unsupported file type {suffix or '(none)'}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"unreadable ({exc.strerror or exc})") from None
    digest = content_hash(raw)
    meta: dict[str, Any] = {}
    title = ""
    if suffix == ".pdf":
        if not raw.startswith(b"%PDF"):
            raise SkipFile("not a PDF (no %PDF header)")
        title, body = pdf_to_text(path)
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
