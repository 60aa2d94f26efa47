"""Streaming latency of the OpenAI-compatible chat endpoint against the native /chat.

    .venv/bin/python benchmarks/bench_openai.py              # 30 pairs of requests
    .venv/bin/python benchmarks/bench_openai.py --n 10 --json out.json

A real `creditai serve` on 127.0.0.1 (the models the environment points at, a temporary
SQLite audit store). Per question, interleaved one by one so both see the same machine load:
the full /chat response time (the template path), and for /v1/chat/completions with
`stream: true` the time to the first content chunk and to `[DONE]`. Target: first-chunk p50
at most the template path's p50 plus 20 ms. Then the same stream read by the real `openai`
client, once, to show it parses.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _helpers import terminate  # noqa: E402  (the tests' process helper)
from bench_service import HOST, free_port, pct, start_server, wait_healthy  # noqa: E402

QUESTIONS = [
    "How long does a credit bureau have to investigate my dispute?",
    "A collection that was deleted after my dispute is back on my report. Do they have to tell me?",
    "My Capital One card shows 30 days late in March 2023 but I paid on time. What can I do?",
    "Can a collector keep calling me at work after I told them to stop?",
    "Is a credit privacy number legal?",
    "The Midland collection for $1,240 is not mine. How do I dispute it?",
]
TARGET_MS = 20.0


def first_chunk(client: httpx.Client, base: str, question: str) -> tuple[float, float]:
    """(ms to the first content chunk, ms to [DONE]) of one streamed completion."""
    body = {"model": "creditai-assistant", "stream": True, "messages": [{"role": "user", "content": question}]}
    t0 = time.perf_counter()
    first = None
    with client.stream("POST", f"{base}/v1/chat/completions", json=body) as r:
        r.raise_for_status()
        for line in r.iter_lines():
            if line.startswith("data: ") and first is None and '"content":"' in line and '"content":""' not in line:
                first = (time.perf_counter() - t0) * 1000
            if line == "data: [DONE]":
                break
    return (first if first is not None else float("nan")), (time.perf_counter() - t0) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=30, help="requests of each kind (default 30)")
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args(argv)
    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc, log_path = start_server(port, Path(tmp), None)
        try:
            wait_healthy(base, proc)
            chat, first, done = [], [], []
            with httpx.Client(timeout=120) as client:
                for q in QUESTIONS:  # warm-up: each path once per question
                    client.post(f"{base}/chat", json={"message": q}).raise_for_status()
                    first_chunk(client, base, q)
                for i in range(args.n):
                    q = QUESTIONS[i % len(QUESTIONS)]
                    t0 = time.perf_counter()
                    client.post(f"{base}/chat", json={"message": q}).raise_for_status()
                    chat.append((time.perf_counter() - t0) * 1000)
                    f, d = first_chunk(client, base, q)
                    first.append(f)
                    done.append(d)
            import openai

            oa = openai.OpenAI(base_url=f"{base}/v1", api_key="unused", max_retries=0)
            chunks = list(oa.chat.completions.create(model="creditai-assistant", stream=True,
                                                     messages=[{"role": "user", "content": QUESTIONS[0]}]))
        finally:  # the server never outlives the benchmark
            terminate(proc)
    out: dict[str, Any] = {
        "n": args.n,
        "chat_p50_ms": round(pct(chat, 50), 1), "chat_p95_ms": round(pct(chat, 95), 1),
        "stream_first_chunk_p50_ms": round(pct(first, 50), 1), "stream_first_chunk_p95_ms": round(pct(first, 95), 1),
        "stream_done_p50_ms": round(pct(done, 50), 1),
        "openai_client_chunks": len(chunks),
    }
    out["first_chunk_over_chat_p50_ms"] = round(out["stream_first_chunk_p50_ms"] - out["chat_p50_ms"], 1)
    out["target_met"] = out["first_chunk_over_chat_p50_ms"] <= TARGET_MS
    print(f"/chat (template path)             p50 {out['chat_p50_ms']} ms  p95 {out['chat_p95_ms']} ms  ({args.n} requests)")
    print(f"/v1/chat/completions first chunk  p50 {out['stream_first_chunk_p50_ms']} ms  "
          f"p95 {out['stream_first_chunk_p95_ms']} ms;  [DONE] p50 {out['stream_done_p50_ms']} ms")
    print(f"first chunk - /chat p50: {out['first_chunk_over_chat_p50_ms']} ms (target <= {TARGET_MS} ms): "
          f"{'met' if out['target_met'] else 'NOT met'}")
    print(f"openai client read the stream: {len(chunks)} chunks")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
