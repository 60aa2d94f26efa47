"""Knowledge base: ingest documents, chunk them, keep an embedded index, search it (BM25 + dense).

    from creditai.kb import build_index, KnowledgeBase
    stats = build_index([Path("knowledge_base")])
    hits = KnowledgeBase.load().search("how long does a bureau have to investigate", k=5)

Submodules: ingest (files -> Document), chunk (Document -> Chunk), embed (sentence encoder),
store (SQLite + numpy matrix on disk, incremental by content hash), search (hybrid
retrieval and `build_index`), pairs (training pairs for the embeddings), evaluate
(retrieval metrics). Imports are lazy so `import creditai.kb` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_index", "KnowledgeBase", "Hit", "BuildStats", "load_embedder", "evaluate_retrieval", "generate_pairs"]

_LAZY = {
    "build_index": "creditai.kb.search",
    "KnowledgeBase": "creditai.kb.search",
    "Hit": "creditai.kb.search",
    "BuildStats": "creditai.kb.search",
    "load_embedder": "creditai.kb.embed",
    "evaluate_retrieval": "creditai.kb.evaluate",
    "generate_pairs": "creditai.kb.pairs",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'creditai.kb' has no attribute {name!r}")
