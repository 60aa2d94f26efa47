"""Helpers shared by several test modules: a hand-built PDF, a linear-growth check and
`creditai serve` as a real server on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]


def make_pdf(content: bytes, stream_dict: bytes = b"") -> bytes:
    """A one-page PDF whose page content stream is `content` (already encoded as the
    filters in `stream_dict` say, e.g. b"/Filter /FlateDecode"), with a valid xref."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d %s >>\nstream\n" % (len(content), stream_dict) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def best_time(fn: Callable[[Any], Any], arg: Any, reps: int = 3) -> float:
    """The fastest of `reps` calls of fn(arg), in seconds (the least disturbed by other work)."""
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - t0)
    return best


def assert_linear_growth(fn: Callable[[str], Any], make: Callable[[int], str], label: str, *,
                         small: int = 5_000, large: int = 20_000, floor: float = 0.004, reps: int = 3) -> None:
    """4x the input may cost at most ~6x the time (a quadratic pattern costs ~16x). `floor`
    seconds of slack keep a 1 ms call from failing on noise; up to three tries, because a
    real quadratic fails all of them on a busy 2-core machine."""
    fn(make(100))  # warm caches (compiled patterns, translation tables)
    a = b = 0.0
    for _attempt in range(3):
        a, b = best_time(fn, make(small), reps), best_time(fn, make(large), reps)
        if b <= 6 * a + floor:
            return
    pytest.fail(f"{label}: {small} chars {a * 1e3:.1f} ms, {large} chars {b * 1e3:.1f} ms "
                f"({b / max(a, 1e-9):.1f}x for {large / small:.0f}x the input)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp_path: Path, *args: str, **env_extra: str) -> tuple[subprocess.Popen, str]:
    """`creditai serve` in a subprocess on a free loopback port with nothing trained; returns
    (process, base URL) once /health answers. Stop it with `stop_server`. The server's output
    goes to a file (a pipe nobody reads would stall a busy server); `CREDITAI_API_KEYS` is
    dropped unless given in `env_extra`."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "CREDITAI_API_KEYS"},
        "CREDITAI_DATABASE_URL": f"sqlite:///{tmp_path}/audit.sqlite",
        "CLASSIFIER_OUTPUT": str(tmp_path / "none-clf"),
        "EMBEDDINGS_OUTPUT": str(tmp_path / "none-emb"),
        "CREDITAI_INDEX_DIR": str(tmp_path / "none-idx"),
        **env_extra,
    }
    log_path = tmp_path / f"server-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "creditai", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    proc.log_path = log_path  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(f"{base}/health", timeout=5)
            return proc, base
        except httpx.TransportError:
            time.sleep(0.5)
    stop_server(proc)
    raise AssertionError(f"server did not come up (rc={proc.poll()})")


def terminate(proc: subprocess.Popen, timeout: float = 30) -> None:
    """Stop a process: SIGTERM, then SIGKILL when it has not exited after `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def stop_server(proc: subprocess.Popen) -> str:
    """Terminate the server; returns its output (the JSON log lines)."""
    terminate(proc)
    return proc.log_path.read_text(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]


# One item per eligibility label, for tests that train a tiny classifier on them.
ITEM_ROWS = [
    ("The Midland collection of $1,200 is not mine, I filed an identity theft report.", "eligible"),
    ("I think the Discover balance is too high but I do not have my statements.", "conditionally_eligible"),
    ("The Wells Fargo late payment is accurate, I just want it gone from my report.", "not_eligible"),
    ("Something on my report is wrong.", "insufficient_information"),
]


def train_tiny_classifier(folder: Path) -> Path:
    """A real classifier trained in `folder` (1 epoch on a few dozen ITEM_ROWS); its directory."""
    import json

    from creditai.config import load_config
    from creditai.train.classifier import train_classifier

    rows = [{"text": f"{t} (case {i})", "label": y} for i in range(6) for t, y in ITEM_ROWS]
    for name in ("train", "valid", "test"):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cfg = load_config("classifier", REPO / "configs" / "model2_classifier.yaml", {
        "train_file": str(folder / "train.jsonl"), "valid_file": str(folder / "valid.jsonl"),
        "test_file": str(folder / "test.jsonl"), "output_dir": str(folder / "classifier"), "epochs": 1,
        "max_length": 32, "batch_size": 8, "learning_rate": 2e-4,
    })
    return train_classifier(cfg, progress=False)
