"""Load benchmark of the HTTP service: a real uvicorn server on 127.0.0.1, a free port.

    .venv/bin/python benchmarks/bench_service.py                  # 32 clients, 60 s in all
    .venv/bin/python benchmarks/bench_service.py --clients 8 --duration 10 --json out.json

Measures, for /classify and /analyze (the time split evenly between them):
  * throughput (req/s), latency p50 / p99, error count, under N concurrent clients;
  * the server's RSS after start-up (models loaded) and its peak RSS under load (psutil);
  * the service overhead: the same library call in this process and over HTTP, interleaved
    one by one (both see the same machine load); overhead = median of the paired
    differences (target <= 2 ms for /classify), with a lean stdlib keep-alive client and,
    for comparison, with httpx; and the RSS target (< 1 GB).
The server uses whatever models the environment points at (CLASSIFIER_OUTPUT,
EMBEDDINGS_OUTPUT, CREDITAI_INDEX_DIR; defaults under models/ and indexes/) and a
temporary SQLite audit store. Every loop is bounded in time and in count.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _helpers import terminate  # noqa: E402  (the tests' process helper)

HOST = "127.0.0.1"  # loopback only, never any other address
REPO = Path(__file__).resolve().parents[1]
TEXTS = [
    "This charge-off is incorrect",
    "Midland Credit collection for $1,240 is not mine, I never had an account with them.",
    "My Capital One card shows 30 days late in March 2023 but I paid on time and have the bank statement.",
    "I authorized the hard inquiry from Chase in 2024 but I want it gone.",
    "Something on my report is wrong.",
    "The medical collection of $320 was paid last year and still shows a balance.",
]
QUESTION = "What can I do about it?"
ONE_GB = 1 << 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    idx = min(len(values) - 1, max(0, int(round(q / 100 * (len(values) - 1)))))
    return values[idx]


def body_for(endpoint: str, i: int) -> dict[str, Any]:
    text = TEXTS[i % len(TEXTS)]
    return {"text": text, "question": QUESTION} if endpoint == "/analyze" else {"text": text}


class RssSampler(threading.Thread):
    """Peak RSS of the server process (and any worker children) sampled every 0.2 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._halt = threading.Event()

    def current(self) -> int:
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs if p.is_running())
        except psutil.Error:
            return 0

    def run(self) -> None:
        while not self._halt.wait(0.2):
            self.peak = max(self.peak, self.current())

    def stop(self) -> int:
        self._halt.set()
        if self.is_alive():
            self.join(timeout=2)
        return max(self.peak, self.current())


def start_server(port: int, workdir: Path, api_key: str | None) -> tuple[subprocess.Popen, Path]:
    env = {**os.environ, "CREDITAI_DATABASE_URL": f"sqlite:///{workdir}/audit.sqlite"}
    env.pop("CREDITAI_API_KEYS", None)
    if api_key:
        env["CREDITAI_API_KEYS"] = api_key
    log_path = workdir / "server.log"
    log_file = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "creditai", "serve", "--host", HOST, "--port", str(port), "--workers", "1"],
        cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT,
    )
    return proc, log_path


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with code {proc.returncode}")
        try:
            r = httpx.get(f"{base}/health", timeout=5)
            if r.status_code == 200:
                return r.json()
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not become healthy in time")


async def load(base: str, endpoint: str, clients: int, seconds: float, max_requests: int, headers: dict) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60, headers=headers) as client:

        async def worker(wid: int) -> None:
            nonlocal errors, sent
            i = wid
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                t0 = time.perf_counter()
                try:
                    r = await client.post(endpoint, json=body_for(endpoint, i))
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                dt = time.perf_counter() - t0
                if ok:
                    latencies.append(dt)
                else:
                    errors += 1
                i += clients

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(clients)))
        wall = time.perf_counter() - t0
    return {
        "endpoint": endpoint, "clients": clients, "seconds": round(wall, 2), "requests": len(latencies) + errors,
        "errors": errors, "req_per_s": round(len(latencies) / wall, 2) if wall else 0.0,
        "p50_ms": round(pct(latencies, 50) * 1000, 2), "p99_ms": round(pct(latencies, 99) * 1000, 2),
    }


def sequential_http(base: str, endpoint: str, n: int, headers: dict) -> list[float]:
    out = []
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        for i in range(n):
            t0 = time.perf_counter()
            r = client.post(endpoint, json=body_for(endpoint, i))
            out.append(time.perf_counter() - t0)
            r.raise_for_status()
    return out


def library_runtime() -> Any:
    """The library objects the routes call, loaded in this process from the same settings
    (and the same torch thread count as `creditai serve`)."""
    os.environ.setdefault("CREDITAI_NUM_THREADS", "1")
    from creditai.service.runtime import Runtime
    from creditai.service.settings import ServiceSettings

    return Runtime(ServiceSettings.from_env(database_url="sqlite://"))


def library_call(rt: Any, endpoint: str) -> Any:
    if endpoint == "/classify":
        pred = rt.classifier.require()
        return lambda i: pred.predict([TEXTS[i % len(TEXTS)]])
    analyzer = rt.assistant.require()
    return lambda i: analyzer.analyze(TEXTS[i % len(TEXTS)], question=QUESTION)


class LeanClient:
    """Keep-alive HTTP/1.1 client from the standard library: a few microseconds per call, so
    the overhead it measures is the service's, not the client library's (httpx alone costs
    about a millisecond per request on this machine; that number is printed too)."""

    def __init__(self, base: str, headers: dict):
        host, port = base.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.headers = {"Content-Type": "application/json", **headers}

    def post(self, endpoint: str, body: dict[str, Any]) -> int:
        self.conn.request("POST", endpoint, body=json.dumps(body).encode(), headers=self.headers)
        resp = self.conn.getresponse()
        resp.read()
        return resp.status

    def close(self) -> None:
        self.conn.close()


def overhead(base: str, endpoint: str, rt: Any, n: int, headers: dict) -> dict[str, Any]:
    """Library call and HTTP call, interleaved one by one so both see the same machine load
    (the server is otherwise idle). Overhead = median of the paired differences, measured
    with the lean stdlib client and with httpx."""
    call = library_call(rt, endpoint)
    lean = LeanClient(base, headers)
    out: dict[str, Any] = {"endpoint": endpoint, "n": n}
    try:
        with httpx.Client(base_url=base, timeout=60, headers=headers) as hx:
            clients = {
                "lean": lean.post,
                "httpx": lambda ep, body: hx.post(ep, json=body).status_code,
            }
            for name, post in clients.items():
                lib, http_, diff = [], [], []
                for i in range(min(5, n)):  # warm-up both sides
                    call(i)
                    post(endpoint, body_for(endpoint, i))
                for i in range(n):
                    t0 = time.perf_counter()
                    call(i)
                    t1 = time.perf_counter()
                    status = post(endpoint, body_for(endpoint, i))
                    t2 = time.perf_counter()
                    if status != 200:
                        raise SystemExit(f"{endpoint} answered {status} during the overhead run")
                    lib.append(t1 - t0)
                    http_.append(t2 - t1)
                    diff.append((t2 - t1) - (t1 - t0))
                suffix = "" if name == "lean" else f"_{name}"
                out[f"library_p50_ms{suffix}"] = round(statistics.median(lib) * 1000, 3)
                out[f"http_p50_ms{suffix}"] = round(statistics.median(http_) * 1000, 3)
                out[f"overhead_p50_ms{suffix}"] = round(statistics.median(diff) * 1000, 3)
    finally:
        lean.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load in all, split across endpoints (default 60)")
    ap.add_argument("--endpoints", default="/classify,/analyze", help="comma-separated (default /classify,/analyze)")
    ap.add_argument("--max-requests", type=int, default=200_000, help="hard cap per endpoint")
    ap.add_argument("--overhead-n", type=int, default=200, help="sequential calls for the overhead measurement")
    ap.add_argument("--api-key", default=None, help="run the server with this API key (measures auth cost too)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.overhead_n < 1:
        ap.error("--clients, --duration and --overhead-n must be positive")
    endpoints = [e if e.startswith("/") else f"/{e}" for e in args.endpoints.split(",") if e.strip()]
    headers = {"X-API-Key": args.api_key} if args.api_key else {}

    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]}}
    with tempfile.TemporaryDirectory(prefix="creditai-bench-") as tmp:
        port = free_port()
        base = f"http://{HOST}:{port}"
        t0 = time.perf_counter()
        proc, log_path = start_server(port, Path(tmp), args.api_key)
        sampler = None
        peak = 0
        try:
            health = wait_healthy(base, proc)
            results["startup_s"] = round(time.perf_counter() - t0, 2)
            results["loaded"] = {k: {"loaded": v.get("loaded"), "source": v.get("source")} for k, v in health["models"].items()}
            sampler = RssSampler(proc.pid)
            results["rss_after_start_mb"] = round(sampler.current() / 2**20, 1)
            # warm every endpoint once (lazy paths, caches)
            for ep in endpoints:
                sequential_http(base, ep, 3, headers)
            results["rss_warm_mb"] = round(sampler.current() / 2**20, 1)
            sampler.start()
            per = args.duration / len(endpoints)
            results["load"] = [asyncio.run(load(base, ep, args.clients, per, args.max_requests, headers)) for ep in endpoints]
            peak = sampler.stop()
            sampler = None
            rt = library_runtime()
            try:
                results["overhead"] = [overhead(base, ep, rt, args.overhead_n, headers) for ep in endpoints]
            finally:
                rt.close()
        finally:
            try:
                if sampler is not None:
                    peak = sampler.stop()
            finally:  # the server never outlives the benchmark
                terminate(proc)
        results["rss_peak_mb"] = round(peak / 2**20, 1)
        if proc.returncode not in (0, -15) and "load" not in results:
            print(log_path.read_text()[-3000:], file=sys.stderr)
    print(f"service benchmark: {args.clients} clients, {args.duration:.0f} s, {os.cpu_count()} CPUs, "
          f"load avg {results['machine']['load_avg_1m']:.2f} at start, start-up {results.get('startup_s')} s")
    print("loaded: " + ", ".join(f"{k}={v['source'] if v['loaded'] or v['source'] else 'missing'}" for k, v in results.get("loaded", {}).items()))
    print(f"{'endpoint':<12}{'req/s':>9}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'requests':>10}")
    for row in results.get("load", []):
        print(f"{row['endpoint']:<12}{row['req_per_s']:>9}{row['p50_ms']:>10}{row['p99_ms']:>10}{row['errors']:>8}{row['requests']:>10}")
    for row in results.get("overhead", []):
        target = " (target <= 2 ms)" if row["endpoint"] == "/classify" else ""
        print(f"overhead {row['endpoint']}: http p50 {row['http_p50_ms']} ms, library p50 {row['library_p50_ms']} ms, "
              f"paired overhead p50 {row['overhead_p50_ms']} ms{target}; "
              f"with httpx as the client: {row['overhead_p50_ms_httpx']} ms")
    rss_ok = results["rss_peak_mb"] * 2**20 < ONE_GB
    print(f"server RSS: {results.get('rss_after_start_mb')} MB after start-up, {results.get('rss_warm_mb')} MB warm, "
          f"peak {results['rss_peak_mb']} MB under load (target < 1024 MB: {'ok' if rss_ok else 'OVER'})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if all(r["errors"] == 0 for r in results.get("load", [])) else 1


if __name__ == "__main__":
    sys.exit(main())
