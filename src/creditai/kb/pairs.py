"""Training pairs for the retrieval embeddings, written from the knowledge base itself.

Queries are each document's front-matter `questions` plus questions built from its section
headings, lightly augmented (typos, casing, chatty prefixes and suffixes, dropped
apostrophes). Each query is paired with the chunk of its document that matches it best
(label 1.0) and with a hard negative: a BM25-similar chunk of another document (label 0.0).
Validation rows come from base questions held back from training. Deterministic per seed.

Never reads tests/data/retrieval_heldout.jsonl: that file is the held-out evaluation set.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Sequence

import numpy as np

from creditai import paths
from creditai.kb.chunk import DEFAULT_CHUNK_SIZE, DEFAULT_OVERLAP, Chunk, chunk_document
from creditai.kb.ingest import Document, load_documents

PREFIXES = (
    "", "", "", "", "quick question: ", "hi, ", "hey so ", "can you tell me ", "i need help: ", "question - ",
    "please help, ", "so basically ", "i was wondering ", "ok so ", "help! ",
)
SUFFIXES = ("", "", "", "", "?", "??", " thanks", " please help", " asap", " thx", "!")
HEADING_TEMPLATES = (
    "{h}",
    "what about {h}",
    "explain {h}",
    "tell me about {h}",
    "what should i know about {h}",
    "{h} - how does that work",
)


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    cand = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not cand:
        return text
    i = rng.choice(cand)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    op = rng.randrange(3)
    if op == 0:  # swap two letters
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1:]
    elif op == 1:  # drop a letter
        w = w[:j] + w[j + 1:]
    else:  # double a letter
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def augment(question: str, rng: random.Random) -> str:
    """One noisy paraphrase of `question` (never the identical string when avoidable)."""
    q = question.strip().rstrip("?").strip()
    for _ in range(5):
        out = q
        if rng.random() < 0.5:
            out = _typo(out, rng)
        if rng.random() < 0.3:
            out = _typo(out, rng)
        if rng.random() < 0.3:
            out = out.replace("'", "").replace("’", "")
        out = rng.choice(PREFIXES) + out + rng.choice(SUFFIXES)
        r = rng.random()
        if r < 0.5:
            out = out.lower()
        elif r < 0.6:
            out = out.upper()
        elif r < 0.75:
            out = out[:1].upper() + out[1:]
        if out != question:
            return out
    return out


def _interleave(ids: list[int], owner: list[int], rng: random.Random) -> list[int]:
    """`ids` reordered round-robin across their owners (documents), shuffled within each."""
    groups: dict[int, list[int]] = {}
    for i in ids:
        groups.setdefault(owner[i], []).append(i)
    for g in groups.values():
        rng.shuffle(g)
    out: list[int] = []
    for rank in range(max((len(g) for g in groups.values()), default=0)):
        out.extend(g[rank] for g in groups.values() if rank < len(g))
    return out


def _heading_queries(doc: Document, chunks: list[Chunk]) -> list[tuple[str, int]]:
    """(query, chunk ordinal) built from section headings: a cheap extra query per section."""
    out = []
    seen = set()
    for c in chunks:
        h = c.heading.split(" > ")[-1].strip()
        if not h or h.lower() in seen:
            continue
        seen.add(h.lower())
        out.append((re.sub(r"\s+", " ", h).strip().lower(), c.ordinal))
    return out


def generate_pairs(
    count: int = 1000,
    seed: int = 42,
    kb_dirs: Sequence[str | Path] | None = None,
    *,
    valid_fraction: float = 0.1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    overlap: int = DEFAULT_OVERLAP,
) -> tuple[list[dict], list[dict]]:
    """(train_rows, valid_rows) of `{"text_1": query, "text_2": chunk, "label": 1.0|0.0}`.

    `count` is the number of training rows (half positives, half hard negatives); the
    validation rows (about `valid_fraction` of `count`) use base questions that never
    appear in training. Sources default to `paths.knowledge_base_dirs()`.
    """
    from creditai.kb.search import BM25Index, tokenize

    if count <= 0:
        return [], []
    dirs = list(kb_dirs) if kb_dirs is not None else paths.knowledge_base_dirs()
    docs, _ = load_documents(dirs)
    docs = sorted(docs, key=lambda d: d.path)
    if not docs:
        raise ValueError(f"no knowledge-base documents under {', '.join(map(str, dirs))}")
    chunks: list[Chunk] = []
    owner: list[int] = []
    by_doc: dict[int, list[int]] = {}
    for di, doc in enumerate(docs):
        for c in chunk_document(doc, chunk_size, overlap):
            by_doc.setdefault(di, []).append(len(chunks))
            owner.append(di)
            chunks.append(c)
    owner_arr = np.asarray(owner)
    bm25 = BM25Index([tokenize(c.index_text()) for c in chunks])

    # base queries: (query, doc index, preferred chunk or None)
    base: list[tuple[str, int, int | None]] = []
    for di, doc in enumerate(docs):
        if di not in by_doc:
            continue
        for q in doc.questions:
            base.append((q.strip(), di, None))
        ordinals = {chunks[i].ordinal: i for i in by_doc[di]}
        for q, ordinal in _heading_queries(doc, [chunks[i] for i in by_doc[di]]):
            base.append((q, di, ordinals[ordinal]))
    if not base:
        raise ValueError("the knowledge base has no documents with chunks to write pairs from")

    rng = random.Random(seed)
    questions = [i for i, (_, _, pref) in enumerate(base) if pref is None]
    rng.shuffle(questions)
    n_valid = max(1, int(round(len(questions) * valid_fraction))) if valid_fraction > 0 and len(questions) > 4 else 0
    valid_ids = set(questions[:n_valid])

    def ranked_for(q: str, di: int) -> tuple[list[int], list[int]]:
        s = bm25.scores(q)
        own = sorted(by_doc[di], key=lambda i: (-s[i], i))
        other = np.where(owner_arr != di)[0]
        other = other[np.argsort(-s[other], kind="stable")][:5]
        return own, [int(i) for i in other]

    cache: dict[int, tuple[list[int], list[int]]] = {}

    def rows_for(bi: int, query: str, r: random.Random) -> list[dict]:
        q, di, pref = base[bi]
        if bi not in cache:
            cache[bi] = ranked_for(q, di)
        own, other = cache[bi]
        if pref is not None:
            pos = pref
        elif query == q or len(own) == 1:
            pos = own[0]
        else:
            pos = own[0] if r.random() < 0.7 else own[1]
        neg = other[min(int(r.random() ** 2 * len(other)), len(other) - 1)] if other else None
        out = [{"text_1": query, "text_2": chunks[pos].index_text(), "label": 1.0}]
        if neg is not None:
            out.append({"text_1": query, "text_2": chunks[neg].index_text(), "label": 0.0})
        return out

    def fill(ids: list[int], target: int, r: random.Random) -> list[dict]:
        rows: list[dict] = []
        seen: set[str] = set()
        if not ids:
            return rows
        # first every original query once, then augmented variants round-robin
        rounds = 0
        while len(rows) < target and rounds < 200:
            for bi in ids:
                q = base[bi][0]
                query = q if rounds == 0 else augment(q, r) if base[bi][2] is None else r.choice(HEADING_TEMPLATES).format(h=q)
                if rounds and base[bi][2] is not None and r.random() < 0.5:
                    query = augment(query, r)
                if query in seen:
                    continue
                seen.add(query)
                rows.extend(rows_for(bi, query, r))
                if len(rows) >= target:
                    break
            rounds += 1
        return rows[:target]

    # round-robin over documents: when `count` is smaller than the pool, every document still
    # gets its share (in file order, the last documents got no training pairs at all)
    train_ids = _interleave([i for i in range(len(base)) if i not in valid_ids], [b[1] for b in base],
                            random.Random(seed * 7919 + 3))
    valid_list = sorted(valid_ids)
    train_rows = fill(train_ids, count, random.Random(seed * 7919 + 1))
    n_valid_rows = max(2 * len(valid_list), count // 10) if valid_list else 0
    valid_rows = fill(valid_list, n_valid_rows, random.Random(seed * 7919 + 2))
    random.Random(seed).shuffle(train_rows)
    return train_rows, valid_rows
