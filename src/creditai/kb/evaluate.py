"""Retrieval metrics over labelled queries: recall@1, recall@5, MRR@10 and nDCG@10 per mode.

A query is `{"query": str, "relevant": [file stems], "intent"?: str}`. Hits are deduplicated
by document (the best-ranked chunk of each document counts) before ranks are taken, and a
document is relevant when its file stem is in `relevant`.

Modes: bm25 (lexical only), base (dense with the bundled MiniLM), finetuned (dense with
the trained model at `paths.embeddings_dir()`), hybrid (BM25 + fine-tuned, fused scores). A mode
whose model is missing is reported with `"skipped": reason` instead of numbers.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from creditai.data.io import iter_jsonl
from creditai.errors import DataError

MODES = ("bm25", "base", "finetuned", "hybrid")
METRICS = ("recall@1", "recall@5", "mrr@10", "ndcg@10")


def load_queries(path: str | Path) -> list[dict[str, Any]]:
    """Labelled retrieval queries from JSONL; a bad row raises DataError(file, line, problem)."""
    rows = []
    for n, row in iter_jsonl(path):
        if not isinstance(row.get("query"), str) or not row["query"].strip():
            raise DataError(path, n, "each row needs a non-empty 'query' string")
        rel = row.get("relevant")
        if not isinstance(rel, list) or not rel or not all(isinstance(r, str) for r in rel):
            raise DataError(path, n, "'relevant' must be a non-empty list of file stems")
        rows.append(row)
    return rows


def ranked_documents(hits: Iterable[Any], k: int) -> list[str]:
    """File stems of the hits in rank order, each document once, at most k."""
    out: list[str] = []
    for h in hits:
        stem = Path(h.source).stem
        if stem not in out:
            out.append(stem)
            if len(out) == k:
                break
    return out


def query_metrics(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> dict[str, float]:
    rel = set(relevant)
    first = next((i for i, d in enumerate(ranked[:k]) if d in rel), None)
    dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in rel)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(rel), k)))
    return {
        "recall@1": len(rel & set(ranked[:1])) / len(rel),
        "recall@5": len(rel & set(ranked[:5])) / len(rel),
        "mrr@10": 0.0 if first is None or first >= 10 else 1.0 / (first + 1),
        "ndcg@10": dcg / idcg if idcg else 0.0,
    }


def _mode_kb(kb: Any, mode: str, embedders: dict[str, Any]) -> tuple[Any, str, str | None]:
    """(knowledge base, search mode, skip reason) for an evaluation mode."""
    if mode == "bm25":
        return kb, "bm25", None
    which = "base" if mode == "base" else "finetuned"
    emb = embedders.get(which)
    if emb is None:
        return None, "", f"no {which} embeddings model available"
    if getattr(kb, "embedder", None) is not None and getattr(kb.embedder, "fingerprint", None) == emb.fingerprint:
        target = kb
    else:
        target = kb.with_embedder(emb)
    return target, ("hybrid" if mode == "hybrid" else "dense"), None


def _default_embedders(modes: Sequence[str]) -> dict[str, Any]:
    from creditai.kb.embed import finetuned_available, load_base_embedder, load_embedder

    out: dict[str, Any] = {}
    if "base" in modes:
        try:
            out["base"] = load_base_embedder()
        except Exception:
            out["base"] = None
    if {"finetuned", "hybrid"} & set(modes):
        try:
            out["finetuned"] = load_embedder() if finetuned_available() else None
        except Exception:
            out["finetuned"] = None
    return out


def evaluate_retrieval(
    queries: list[dict[str, Any]],
    kb: Any,
    modes: Sequence[str] = MODES,
    k: int = 10,
    *,
    embedders: dict[str, Any] | None = None,
    use_intent: bool = False,
) -> dict[str, Any]:
    """Retrieval metrics per mode on `queries` over the knowledge base `kb`.

    `embedders` may give {"base": Embedder, "finetuned": Embedder}; by default the bundled
    MiniLM and the model at `paths.embeddings_dir()` are loaded. `use_intent` passes each
    query's intent to the search (routing). Returns {mode: {metric: value, "latency_ms_p50",
    "latency_ms_p95", "n"}} plus "queries" (count) and "k".
    """
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise ValueError(f"unknown evaluation modes {unknown}; expected some of {MODES}")
    embedders = embedders if embedders is not None else _default_embedders(modes)
    result: dict[str, Any] = {"queries": len(queries), "k": k, "use_intent": use_intent}
    for mode in modes:
        target, search_mode, skip = _mode_kb(kb, mode, embedders)
        if skip:
            result[mode] = {"skipped": skip}
            continue
        cache = getattr(target, "_qcache", None)
        if cache is not None:  # time every mode from cold: no query vector reused from another mode
            cache.clear()
        sums = dict.fromkeys(METRICS, 0.0)
        lat = []
        for q in queries:
            t0 = time.perf_counter()
            hits = target.search(q["query"], k=k * 5, mode=search_mode, intent=q.get("intent") if use_intent else None)
            lat.append((time.perf_counter() - t0) * 1000)
            for name, v in query_metrics(ranked_documents(hits, k), q["relevant"], k).items():
                sums[name] += v
        n = max(1, len(queries))
        row = {name: round(v / n, 4) for name, v in sums.items()}
        row["n"] = len(queries)
        row["latency_ms_p50"] = round(float(np.percentile(lat, 50)), 2) if lat else 0.0
        row["latency_ms_p95"] = round(float(np.percentile(lat, 95)), 2) if lat else 0.0
        result[mode] = row
    return result


def format_table(result: dict[str, Any]) -> str:
    """The metrics as a fixed-width text table."""
    lines = [f"{'mode':<10} " + " ".join(f"{m:>9}" for m in METRICS) + f" {'p50 ms':>8}"]
    for mode in MODES:
        row = result.get(mode)
        if row is None:
            continue
        if "skipped" in row:
            lines.append(f"{mode:<10} skipped: {row['skipped']}")
            continue
        lines.append(f"{mode:<10} " + " ".join(f"{row[m]:>9.3f}" for m in METRICS) + f" {row['latency_ms_p50']:>8.1f}")
    return "\n".join(lines)
