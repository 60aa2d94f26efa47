"""Heading-aware chunking: sections split at markdown headings, paragraphs packed up to
`chunk_size`, over-long paragraphs split at sentences (then words) with `overlap`.

Sizes count characters (`unit="chars"`, the default) or words (`unit="words"`). Every
chunk keeps its document's path, title, doc_type and citations plus its section heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from creditai.kb.ingest import Document

Unit = Literal["chars", "words"]
DEFAULT_CHUNK_SIZE = 1000
DEFAULT_OVERLAP = 150

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[\"'“(\[]?[A-Z0-9§])")


@dataclass
class Chunk:
    source: str
    ordinal: int
    text: str
    title: str
    doc_type: str
    heading: str = ""
    citations: list[str] = field(default_factory=list)
    kind: str = "content"  # "content", or "question": a front-matter question the document answers

    def index_text(self) -> str:
        """What BM25 and the encoder see: title and heading give a passage its context."""
        if self.kind == "question":
            return self.text
        head = " — ".join(p for p in (self.title, self.heading) if p)
        return f"{head}\n{self.text}" if head else self.text


def _size(text: str, unit: Unit) -> int:
    return len(text.split()) if unit == "words" else len(text)


def _split_long(text: str, size: int, overlap: int, unit: Unit) -> list[str]:
    """Split one over-long paragraph: pack sentences; a sentence longer than `size` is cut at
    words. Consecutive pieces share about `overlap` units of trailing text."""
    pieces: list[str] = []
    for sent in _SENTENCE.split(text):
        if _size(sent, unit) <= size:
            pieces.append(sent)
            continue
        words = sent.split()
        cur: list[str] = []
        for w in words:  # hard cut at word boundaries
            if cur and _size(" ".join(cur + [w]), unit) > size:
                pieces.append(" ".join(cur))
                cur = []
            cur.append(w)
        if cur:
            pieces.append(" ".join(cur))
    out: list[str] = []
    cur_parts: list[str] = []
    for piece in pieces:
        if cur_parts and _size(" ".join(cur_parts + [piece]), unit) > size:
            out.append(" ".join(cur_parts))
            cur_parts = _tail(cur_parts, overlap, unit, limit=size - _size(piece, unit) - 1)
        cur_parts.append(piece)
    if cur_parts:
        out.append(" ".join(cur_parts))
    return out


def _tail(parts: list[str], overlap: int, unit: Unit, limit: int) -> list[str]:
    """The last ~`overlap` units of `parts` (whole words), never more than `limit`."""
    budget = min(overlap, max(0, limit))
    if budget <= 0:
        return []
    words = " ".join(parts).split()
    tail: list[str] = []
    for w in reversed(words):
        if _size(" ".join([w] + tail), unit) > budget:
            break
        tail.insert(0, w)
    return [" ".join(tail)] if tail else []


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """[(heading path, paragraphs)] in document order; text before any heading has heading ''."""
    sections: list[tuple[str, list[str]]] = []
    stack: list[tuple[int, str]] = []
    paras: list[str] = []
    buf: list[str] = []

    def flush_para() -> None:
        if buf:
            para = " ".join(" ".join(buf).split())
            if para:
                paras.append(para)
            buf.clear()

    def flush_section() -> None:
        flush_para()
        if paras:
            sections.append((" > ".join(h for _, h in stack), list(paras)))
            paras.clear()

    in_fence = False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line.strip())
        if m:
            flush_section()
            level = len(m.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, m.group(2).strip()))
        elif not line.strip():
            flush_para()
        elif re.match(r"\s*([-*+]|\d+[.)])\s+", line) and buf:
            flush_para()  # list items are their own paragraphs
            buf.append(line.strip())
        else:
            buf.append(line.strip())
    flush_section()
    return sections


def chunk_text(text: str, chunk_size: int = DEFAULT_CHUNK_SIZE, overlap: int = DEFAULT_OVERLAP, unit: Unit = "chars") -> list[tuple[str, str]]:
    """[(heading, chunk text)] for one document body."""
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive")
    if overlap < 0 or overlap >= chunk_size:
        raise ValueError("overlap must be >= 0 and smaller than chunk_size")
    out: list[tuple[str, str]] = []
    for heading, paras in _sections(text):
        cur: list[str] = []
        for para in paras:
            if _size(para, unit) > chunk_size:
                if cur:
                    out.append((heading, "\n\n".join(cur)))
                    cur = []
                out.extend((heading, piece) for piece in _split_long(para, chunk_size, overlap, unit))
                continue
            if cur and _size("\n\n".join(cur + [para]), unit) > chunk_size:
                out.append((heading, "\n\n".join(cur)))
                cur = []
            cur.append(para)
        if cur:
            out.append((heading, "\n\n".join(cur)))
    return out


def question_rows(doc: Document) -> list[Chunk]:
    """One searchable row per front-matter question: a query that matches a question the
    document declares it answers finds the document (doc2query-style expansion). Search maps
    such a row to the document's best content chunk, so hits are always passages."""
    return [
        Chunk(source=doc.path, ordinal=-(i + 1), text=q, title=doc.title, doc_type=doc.doc_type, citations=list(doc.citations), kind="question")
        for i, q in enumerate(dict.fromkeys(q.strip() for q in doc.questions if q.strip()))
    ]


def chunk_document(doc: Document, chunk_size: int = DEFAULT_CHUNK_SIZE, overlap: int = DEFAULT_OVERLAP, unit: Unit = "chars") -> list[Chunk]:
    """Chunks of one document, each carrying the document's metadata and its heading."""
    return [
        Chunk(
            source=doc.path,
            ordinal=i,
            text=text,
            title=doc.title,
            doc_type=doc.doc_type,
            heading=heading,
            citations=list(doc.citations),
        )
        for i, (heading, text) in enumerate(chunk_text(doc.text, chunk_size, overlap, unit))
    ]
