"""Retrieval benchmark: full index build + latency, held-out retrieval metrics, scaling.

    .venv/bin/python benchmarks/bench_retrieval.py                 # all three parts
    .venv/bin/python benchmarks/bench_retrieval.py --parts build,metrics
    .venv/bin/python benchmarks/bench_retrieval.py --parts scaling --sizes 1000,10000,100000

1. build: index knowledge_base/ plus the public corpus (--corpus, $PUBLIC_KB_CORPUS, default
   ../shared/data/public_kb_corpus next to the repo) into a temporary folder; print build
   time, documents, chunks, skipped files, then hybrid query p50/p95 over the held-out
   queries (query embedding included, cache cleared), and an incremental no-op rebuild.
2. metrics: recall@1/@5, MRR@10, nDCG@10 for BM25, base MiniLM, fine-tuned MiniLM and
   hybrid (BM25 + fine-tuned) on tests/data/retrieval_heldout.jsonl over that same index
   (public corpus as distractors) and over knowledge_base/ alone.
3. scaling: synthetic corpora of N chunks (random unit vectors + synthetic text): build
   time, index size, p50/p95 of BM25, brute-force dense, an IVF index (sklearn KMeans,
   nprobe clusters searched) and the full hybrid query path (query encoding excluded).
   Dense scoring runs on one BLAS thread (search.dense_scores): slower here than numpy's
   default threads at 100,000 chunks, faster once a query embedding runs beside it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from creditai.kb import store  # noqa: E402
from creditai.kb.chunk import Chunk  # noqa: E402
from creditai.kb.embed import finetuned_available, load_base_embedder, load_embedder  # noqa: E402
from creditai.kb.evaluate import MODES, evaluate_retrieval, format_table, load_queries  # noqa: E402
from creditai.kb.search import (  # noqa: E402
    BM25Index, KnowledgeBase, build_index, dense_scores, tokenize,
)

HELDOUT = REPO / "tests" / "data" / "retrieval_heldout.jsonl"


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def _embedders(model_dir: str | None) -> dict:
    out = {"base": load_base_embedder(), "finetuned": None}
    if model_dir or finetuned_available():
        out["finetuned"] = load_embedder(model_dir) if model_dir else load_embedder()
    return out


def part_build(corpus: Path, work: Path, emb: dict, queries: list[dict]) -> tuple[KnowledgeBase, dict]:
    index = work / "full"
    sources = [REPO / "knowledge_base", corpus]
    embedder = emb["finetuned"] or emb["base"]
    stats = build_index(sources, index, embedder=embedder, progress=False, batch_size=64)
    print(f"  model: {embedder.model_id}")
    print(f"  build: {stats.seconds:.1f}s  documents={stats.documents} chunks={stats.chunks} skipped={stats.skipped} "
          f"embedded_rows={stats.embedded} index_size={store.index_bytes(index) / 1e6:.1f} MB")
    again = build_index(sources, index, embedder=embedder)
    print(f"  incremental no-op rebuild: {again.seconds:.2f}s (embedded {again.embedded}, unchanged {again.unchanged})")
    t0 = time.perf_counter()
    kb = KnowledgeBase.load(index, embedder=embedder)
    print(f"  load: {time.perf_counter() - t0:.2f}s")
    lat: dict[str, list[float]] = {"hybrid": [], "bm25": [], "dense": []}
    for q in queries[:5]:  # warm-up
        kb.search(q["query"], k=5)
    for mode in lat:
        for q in queries:
            kb._qcache.clear()  # measure the query embedding too
            t = time.perf_counter()
            kb.search(q["query"], k=5, mode=mode)
            lat[mode].append((time.perf_counter() - t) * 1000)
    for mode, v in lat.items():
        print(f"  query {mode:<6} p50={pct(v, 50):.1f} ms  p95={pct(v, 95):.1f} ms  (n={len(v)}, k=5)")
    return kb, {"build_seconds": round(stats.seconds, 2), "documents": stats.documents, "chunks": stats.chunks,
                "skipped": stats.skipped, "p50_ms": {m: round(pct(v, 50), 2) for m, v in lat.items()},
                "p95_ms": {m: round(pct(v, 95), 2) for m, v in lat.items()}}


def part_metrics(kb_full: KnowledgeBase | None, work: Path, emb: dict, queries: list[dict]) -> dict:
    results = {}
    embedder = emb["finetuned"] or emb["base"]
    kb_only = work / "kb_only"
    build_index([REPO / "knowledge_base"], kb_only, embedder=embedder)
    targets = [("knowledge_base/ only", KnowledgeBase.load(kb_only, embedder=embedder))]
    if kb_full is not None:
        targets.append(("knowledge_base/ + public corpus", kb_full))
    for name, kb in targets:
        r = evaluate_retrieval(queries, kb, modes=MODES, k=10, embedders=emb)
        print(f"  {name} ({kb.size()} chunks, {r['queries']} held-out queries)")
        print("    " + format_table(r).replace("\n", "\n    "))
        results[name] = r
    return results


def _synthetic(n: int, dim: int, rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    vocab = [f"w{i}" for i in range(5000)] + "credit dispute bureau collection late payment account report furnisher".split()
    zipf = 1.0 / np.arange(1, len(vocab) + 1)
    zipf /= zipf.sum()
    lengths = rng.integers(60, 160, n)
    words = rng.choice(len(vocab), size=int(lengths.sum()), p=zipf)
    texts, pos = [], 0
    for ln in lengths:
        texts.append(" ".join(vocab[j] for j in words[pos:pos + ln]))
        pos += ln
    centers = rng.standard_normal((max(8, n // 200), dim)).astype(np.float32)
    m = centers[rng.integers(0, len(centers), n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return texts, m.astype(np.float32)


class _PrecomputedQueries:
    """An embedder stand-in that returns each synthetic query's precomputed vector."""

    def __init__(self, vectors: dict[str, np.ndarray], fingerprint: str):
        self.vectors, self.fingerprint = vectors, fingerprint
        self.dim = len(next(iter(vectors.values())))

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vectors[t] for t in texts])


def part_scaling(sizes: list[int], work: Path, n_queries: int = 100, nprobe: int = 8) -> dict:
    from sklearn.cluster import MiniBatchKMeans

    rng = np.random.default_rng(0)
    dim = 384
    out = {}
    print(f"  {'chunks':>7} {'build s':>8} {'size MB':>8} {'bm25 p50/p95':>14} {'dense p50/p95':>14} {'ivf p50/p95':>13} {'ivf recall@10':>13} {'hybrid p50/p95':>15}")
    for n in sizes:
        texts, m = _synthetic(n, dim, rng)
        chunks = [(f"doc{i // 4}", Chunk(source=f"synthetic/doc{i // 4}.md", ordinal=i % 4, text=t, title=f"doc {i // 4}", doc_type="general")) for i, t in enumerate(texts)]
        d = work / f"syn{n}"
        t0 = time.perf_counter()
        store.write_index(d, meta={"generation": 1, "embedding_fingerprint": "synthetic", "chunk_size": 1000, "overlap": 150, "unit": "chars"},
                          documents=[], chunks=chunks, matrix=m, skipped={})
        write_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        data = store.read_index(d)
        bm25 = BM25Index([tokenize(c.index_text()) for c in data.chunks])
        build_s = write_s + time.perf_counter() - t0
        size_mb = store.index_bytes(d) / 1e6
        qtexts = [" ".join(texts[rng.integers(n)].split()[:8]) for _ in range(n_queries)]
        qvecs = m[rng.integers(0, n, n_queries)] + 0.3 * rng.standard_normal((n_queries, dim)).astype(np.float32)
        qvecs /= np.linalg.norm(qvecs, axis=1, keepdims=True)

        def timed(fn):
            lat = []
            for i in range(n_queries):
                t = time.perf_counter()
                fn(i)
                lat.append((time.perf_counter() - t) * 1000)
            return pct(lat, 50), pct(lat, 95)

        def top(scores, k):
            idx = np.argpartition(-scores, k)[:k]
            return idx[np.argsort(-scores[idx])]

        bm = timed(lambda i: top(bm25.scores(qtexts[i]), 50))
        dense = timed(lambda i: top(dense_scores(data.matrix, qvecs[i]), 50))  # as KnowledgeBase scores
        # IVF: k-means lists, search the nprobe nearest lists
        n_lists = max(8, int(np.sqrt(n)))
        t0 = time.perf_counter()
        km = MiniBatchKMeans(n_clusters=n_lists, random_state=0, batch_size=4096, n_init=1, max_iter=20).fit(data.matrix)
        ivf_build = time.perf_counter() - t0
        centroids = km.cluster_centers_.astype(np.float32)
        order = np.argsort(km.labels_, kind="stable")
        bounds = np.searchsorted(km.labels_[order], np.arange(n_lists + 1))
        sorted_m = data.matrix[order]

        def ivf(i, k=10):
            lists = np.argpartition(-(centroids @ qvecs[i]), nprobe)[:nprobe]
            cand = np.concatenate([np.arange(bounds[c], bounds[c + 1]) for c in lists])
            s = sorted_m[cand] @ qvecs[i]
            kk = min(k, len(cand) - 1)
            best = cand[np.argpartition(-s, kk)[:kk]]
            return order[best]

        ivf_lat = timed(lambda i: ivf(i))
        rec = np.mean([len(set(ivf(i, 10)) & set(top(data.matrix @ qvecs[i], 10))) / 10 for i in range(n_queries)])

        # the real query path (fusion, document evidence, feedback, passages), fed the
        # precomputed query vectors so query encoding stays out of the timing
        kb = KnowledgeBase(data, _PrecomputedQueries(dict(zip(qtexts, qvecs)), "synthetic"), _bm25=bm25)

        def hybrid(i):
            return kb.search(qtexts[i], k=5)

        hy = timed(hybrid)
        print(f"  {n:>7} {build_s:>8.2f} {size_mb:>8.1f} {bm[0]:>6.1f}/{bm[1]:<7.1f} {dense[0]:>6.1f}/{dense[1]:<7.1f} {ivf_lat[0]:>5.1f}/{ivf_lat[1]:<7.1f} {rec:>13.2f} {hy[0]:>7.1f}/{hy[1]:<7.1f}")
        out[n] = {"build_s": round(build_s, 2), "size_mb": round(size_mb, 1), "bm25_ms": bm, "dense_ms": dense, "ivf_ms": ivf_lat,
                  "ivf_build_s": round(ivf_build, 2), "ivf_recall@10": round(float(rec), 3), "hybrid_ms": hy}
        shutil.rmtree(d, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_corpus = os.environ.get("PUBLIC_KB_CORPUS") or str(REPO.parent / "shared" / "data" / "public_kb_corpus")
    ap.add_argument("--corpus", default=default_corpus, help="public corpus folder (default: %(default)s)")
    ap.add_argument("--parts", default="build,metrics,scaling")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--model-dir", default=None, help="fine-tuned embeddings (default: paths.embeddings_dir())")
    ap.add_argument("--json", default=None, help="also write the results here")
    args = ap.parse_args()
    logging.getLogger("creditai.kb").setLevel(logging.ERROR)
    parts = set(args.parts.split(","))
    queries = load_queries(HELDOUT)
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="creditai-bench-") as tmp:
        work = Path(tmp)
        emb = _embedders(args.model_dir) if parts & {"build", "metrics"} else {}
        if emb and emb["finetuned"] is None:
            print("note: no fine-tuned embeddings found (train them: creditai train embeddings); finetuned/hybrid use none")
        kb_full = None
        corpus = Path(args.corpus)
        if "build" in parts:
            print(f"[1] full index: knowledge_base/ + {corpus}")
            if corpus.is_dir():
                kb_full, results["build"] = part_build(corpus, work, emb, queries)
            else:
                print(f"  corpus not found at {corpus}: skipped (pass --corpus)")
        if "metrics" in parts:
            print("[2] retrieval metrics on the held-out questions")
            results["metrics"] = part_metrics(kb_full, work, emb, queries)
        if "scaling" in parts:
            print("[3] scaling (synthetic corpus, query embedding excluded)")
            results["scaling"] = part_scaling([int(s) for s in args.sizes.split(",")], work)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
