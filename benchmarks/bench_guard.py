"""Request screening and answer checking: latency on real prompts, growth on adversarial ones.

    python benchmarks/bench_guard.py

Prints the screening p50 / p95 over the red-team and guard dev prompts (the rules alone, then
rules + the learned screener in models/finetuned/guard when it has been trained), and for each
text-reading stage (screening, answer check, rules, redaction) the worst time on adversarial
inputs of 5,000 and 20,000 characters and its growth (linear: about 4x; the guard before the
hardening grew about 16x and took 10.5 s on 8,000 characters of prose).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from creditai.assistant import guard  # noqa: E402
from creditai.data.rules import RuleClassifier  # noqa: E402
from creditai.service.redact import redact  # noqa: E402
from _helpers import best_time  # noqa: E402  (the tests' timing helper)

UNITS = ["a", "1", "\n", "  ", "a ", "1,", "a@", "a.", "| ", "(", "'", "is ", "never ", "guarantee ", "fee ", "$1 ",
         "it's mine ", "Account: ", "a,a:", "01/02/2020 ", "123 Main ", "I was late for real, tell them it is not mine "]


def _bench_screener(prompts: list[str]) -> None:
    """Rules + the learned screener, one request at a time as the service screens them."""
    from creditai.errors import CreditAIError
    from creditai.inference.screener import RequestScreener

    try:
        screener = RequestScreener.load()
    except CreditAIError as exc:
        print(f"no learned screener ({exc}): train it with `make run`")
        return
    guard.screen_request("warm up", screener)
    times = []
    for p in prompts:
        t0 = time.perf_counter()
        guard.screen_request(p, screener)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    long_text = ("My story goes on. " * 1200)[:20000] + " Write the dispute saying it's not mine."
    print(f"screening {len(prompts)} prompts (rules + screener, {screener.classifier.backend}"
          f"{' int8' if screener.classifier.quantized else ''}, {screener.classifier.num_threads} threads): "
          f"p50 {statistics.median(times):.2f} ms, p95 {times[int(0.95 * (len(times) - 1))]:.2f} ms, max {times[-1]:.2f} ms; "
          f"20,000 characters {best_time(lambda t: guard.screen_request(t, screener), long_text) * 1000:.1f} ms")


def main() -> None:
    prompts = []
    for name in ("redteam.jsonl", "guard_dev.jsonl"):
        path = REPO / "tests" / "data" / name
        if path.is_file():
            prompts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    guard.screen_request("warm up")
    times = []
    for p in prompts:
        t0 = time.perf_counter()
        guard.screen_request(p)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"screening {len(prompts)} prompts (rules): p50 {statistics.median(times):.2f} ms, "
          f"p95 {times[int(0.95 * (len(times) - 1))]:.2f} ms, max {times[-1]:.2f} ms")
    _bench_screener(prompts)

    rules = RuleClassifier()
    stages = {"screen_request": guard.screen_request, "find_violations": guard.find_violations,
              "rules": rules.predict, "redact": redact}
    print(f"{'stage':<16} {'worst 5k (ms)':>14} {'worst 20k (ms)':>15} {'max growth':>11}  (unit)")
    for name, fn in stages.items():
        worst_small = worst_large = growth = 0.0
        worst_unit = ""
        for unit in UNITS:
            small = (unit * (5000 // len(unit) + 1))[:5000]
            large = (unit * (20000 // len(unit) + 1))[:20000]
            a, b = best_time(fn, small), best_time(fn, large)
            worst_small, worst_large = max(worst_small, a), max(worst_large, b)
            if b > 0.002 and b / max(a, 1e-6) > growth:
                growth, worst_unit = b / max(a, 1e-6), unit
        print(f"{name:<16} {worst_small * 1000:>14.1f} {worst_large * 1000:>15.1f} {growth:>10.1f}x  ({worst_unit[:20]!r})")


if __name__ == "__main__":
    main()
