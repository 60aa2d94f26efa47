"""Benchmark the eligibility classifier: training cost, CPU inference speed and quality.

    .venv/bin/python benchmarks/bench_classifier.py              # train the default config, then measure
    .venv/bin/python benchmarks/bench_classifier.py --model-dir models/finetuned/classifier   # skip training

Prints three tables:
1. training time of configs/model2_classifier.yaml on the generated data (generated first if
   missing), model size on disk, peak RSS of the training process;
2. single-text p50/p95 latency, batch throughput and peak RSS of the reference (plain
   transformers: AutoModelForSequenceClassification + tokenizer, fp32, batches of 32) vs
   `Classifier` (torch fp32 and int8, ONNX Runtime fp32 and int8 when installed, and the
   default the trainer verified, each with its own default micro-batches);
3. macro-F1 of TF-IDF + LogisticRegression, the rule-based classifier and the fine-tuned
   model (fp32 and the fast variant) on the generated test split and the hand-written
   realistic set (tests/data/eligibility_realistic.jsonl).

Every measurement runs in its own subprocess so the peak RSS is that of one job alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REALISTIC = REPO / "tests" / "data" / "eligibility_realistic.jsonl"
CONFIG = REPO / "configs" / "model2_classifier.yaml"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _macro_f1(gold: list[str], pred: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, average="macro"))


def _peak_rss_mb_self() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _run_worker(args: list[str]) -> dict:
    """Run this script as a worker subprocess; returns its JSON result (+ wall seconds)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, *args], cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"worker {args[:2]} failed with exit code {proc.returncode}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - t0
    return result


# ------------------------------------------------------------------------ workers


def worker_train(data_dir: str, out_dir: str) -> dict:
    from creditai.config import load_config
    from creditai.train.classifier import train_classifier
    from creditai.train.common import Timer

    overrides = {
        "train_file": f"{data_dir}/model2_classifier.train.jsonl",
        "valid_file": f"{data_dir}/model2_classifier.valid.jsonl",
        "test_file": f"{data_dir}/model2_classifier.test.jsonl",
        "output_dir": out_dir,
    }
    cfg = load_config("classifier", CONFIG, overrides, env={})
    with Timer() as t:
        train_classifier(cfg, progress=False)
    meta = json.loads((Path(out_dir) / "metadata.json").read_text())
    return {"total_seconds": t.seconds, "training_seconds": meta["training_seconds"],
            "peak_rss_mb": _peak_rss_mb_self(), "metrics": meta["metrics"], "inference": meta.get("inference")}


def _timing(predict_one, predict_batch, single_texts: list[str], batch_texts: list[str]) -> dict:
    import numpy as np

    for t in single_texts[:5]:  # warm-up
        predict_one(t)
    lat = []
    for t in single_texts:
        s = time.perf_counter()
        predict_one(t)
        lat.append((time.perf_counter() - s) * 1000)
    predict_batch(batch_texts[:64])
    s = time.perf_counter()
    predict_batch(batch_texts)
    thr = len(batch_texts) / (time.perf_counter() - s)
    return {"p50_ms": float(np.percentile(lat, 50)), "p95_ms": float(np.percentile(lat, 95)), "throughput": thr}


def worker_infer(variant: str, model_dir: str, eval_files: str) -> dict:
    """variant: reference | fp32 | int8 | default | onnx | onnx-int8."""
    files = json.loads(eval_files)
    sets = {name: _rows(Path(p)) for name, p in files.items()}
    all_texts = [r["text"] for rows in sets.values() for r in rows]
    single = all_texts[:200]
    batch = (all_texts * 3)[:600]

    if variant == "reference":
        import numpy as np
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tok = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
        max_length = json.loads((Path(model_dir) / "metadata.json").read_text()).get("max_length", 128)
        id2label = model.config.id2label

        def predict_batch(texts, bs=32):
            out = []
            with torch.no_grad():
                for i in range(0, len(texts), bs):
                    enc = tok(texts[i:i + bs], padding=True, truncation=True, max_length=max_length,
                              return_tensors="pt")
                    out.extend(model(**enc).logits.argmax(-1).tolist())
            return [id2label[i] for i in out]

        predict_one = lambda t: predict_batch([t])  # noqa: E731
        del np
    else:
        from creditai.inference.classifier import Classifier

        quantize = {"fp32": False, "int8": True, "default": None, "onnx": False, "onnx-int8": True}[variant]
        backend = "auto" if variant == "default" else "onnx" if variant.startswith("onnx") else "torch"
        clf = Classifier.load(model_dir, quantize=quantize, backend=backend)

        def predict_batch(texts):
            return [p.label for p in clf.predict(texts)]

        predict_one = lambda t: clf.predict([t])  # noqa: E731

    timing = _timing(predict_one, predict_batch, single, batch)
    preds = {name: predict_batch([r["text"] for r in rows]) for name, rows in sets.items()}
    quality = {name: _macro_f1([r["label"] for r in sets[name]], preds[name]) for name in sets}
    info = {}
    if variant != "reference":
        info = {"quantized": clf.quantized, "backend": clf.backend}
    if variant == "default":  # the served system: model when confident (>= 0.7), else the rules
        from creditai.inference.eligibility import EligibilityPredictor

        pred = EligibilityPredictor(model_dir, threshold=0.7)
        served = {name: pred.predict([r["text"] for r in rows]) for name, rows in sets.items()}
        info["served_macro_f1"] = {
            name: _macro_f1([r["label"] for r in sets[name]], [e.label for e in served[name]]) for name in sets
        }
        info["served_model_share"] = {
            name: sum(e.source == "model" for e in served[name]) / max(1, len(served[name])) for name in sets
        }
    return {**timing, "macro_f1": quality, "peak_rss_mb": _peak_rss_mb_self(), **info}


def worker_baselines(train_file: str, eval_files: str) -> dict:
    from creditai.inference.baselines import rules_baseline, tfidf_baseline

    files = json.loads(eval_files)
    sets = {name: _rows(Path(p)) for name, p in files.items()}
    out: dict = {}
    s = time.perf_counter()
    tfidf = tfidf_baseline(_rows(Path(train_file)))
    out["tfidf_fit_seconds"] = time.perf_counter() - s
    rules = rules_baseline()
    for name, model in (("tfidf_logreg", tfidf), ("rules", rules)):
        out[name] = {}
        for set_name, rows in sets.items():
            pred = list(model.predict([r["text"] for r in rows]))
            out[name][set_name] = _macro_f1([r["label"] for r in rows], pred)
    return out


# ------------------------------------------------------------------------ driver


def _table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(x) -> str:
    if isinstance(x, float):
        return f"{x:.3f}" if abs(x) < 10 else f"{x:.1f}"
    return "-" if x is None else str(x)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=None, help="generated data (default: $CREDITAI_DATA_DIR or data/finetune)")
    ap.add_argument("--model-dir", type=Path, default=None, help="use this trained model, skip the training benchmark")
    ap.add_argument("--keep-model", type=Path, default=None, help="where to keep the model trained here")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw results here")
    args = ap.parse_args()

    import creditai  # noqa: F401  (offline env)
    from creditai.basemodels import dir_size
    from creditai.paths import data_dir

    data = (args.data_dir or data_dir()).resolve()
    test_file = data / "model2_classifier.test.jsonl"
    if not (data / "model2_classifier.train.jsonl").is_file():
        from creditai.data.generator import write_datasets

        print(f"generating the default datasets into {data} ...", flush=True)
        write_datasets(data, seed=int(os.environ.get("DATASET_SEED", 42)), progress=False)
    eval_files = {"generated_test": str(test_file)}
    if REALISTIC.is_file():
        eval_files["realistic"] = str(REALISTIC)
    eval_json = json.dumps(eval_files)
    results: dict = {"cpus": os.cpu_count()}

    tmp = tempfile.TemporaryDirectory(prefix="bench_clf_")
    if args.model_dir is None:
        model_dir = (args.keep_model or Path(tmp.name) / "classifier").resolve()
        print("training configs/model2_classifier.yaml ...", flush=True)
        results["train"] = _run_worker(["--worker", "train", str(data), str(model_dir)])
    else:
        model_dir = args.model_dir.resolve()
    results["model_size_mb"] = dir_size(model_dir) / 2**20
    meta = json.loads((model_dir / "metadata.json").read_text())

    variants = ["reference", "fp32", "int8", "default"]
    from creditai.inference.classifier import onnx_available

    if onnx_available():
        variants += ["onnx", "onnx-int8"]
    results["infer"] = {}
    for v in variants:
        print(f"inference: {v} ...", flush=True)
        results["infer"][v] = _run_worker(["--worker", "infer", v, str(model_dir), eval_json])
    print("baselines ...", flush=True)
    results["baselines"] = _run_worker(["--worker", "baselines", str(data / "model2_classifier.train.jsonl"), eval_json])
    tmp.cleanup()

    # ---- report
    print()
    print("== 1. training (configs/model2_classifier.yaml)")
    tr = results.get("train")
    rows = []
    if tr:
        rows.append(["train loop (s)", tr["training_seconds"]])
        rows.append(["train_classifier total (s)", tr["total_seconds"]])
        rows.append(["process wall incl. imports (s)", tr["wall_seconds"]])
        rows.append(["peak RSS training (MB)", tr["peak_rss_mb"]])
    rows.append(["model size on disk (MB)", results["model_size_mb"]])
    rows.append(["train rows", meta["metrics"].get("train_rows")])
    rows.append(["device", json.dumps(meta.get("device"))])
    rows.append(["test macro-F1 / ECE before -> after", f"{meta['metrics'].get('test_macro_f1'):.4f} / "
                 f"{meta['metrics'].get('ece_before'):.4f} -> {meta['metrics'].get('ece_after'):.4f}"])
    rows.append(["default inference (trainer's decision)", meta.get("inference", {}).get("reason")])
    print(_table(["metric", "value"], rows))

    print()
    print("== 2. CPU inference (single text = batch of 1; throughput = 600 texts in one call)")
    ref = results["infer"]["reference"]
    rows = []
    for v, r in results["infer"].items():
        name = {"reference": "transformers fp32 (reference)", "default": "Classifier default"}.get(v, f"Classifier {v}")
        if v == "default":
            name += f" ({r.get('backend')} {'int8' if r.get('quantized') else 'fp32'})"
        rows.append([name, r["p50_ms"], r["p95_ms"], r["throughput"], ref["p50_ms"] / r["p50_ms"],
                     r["throughput"] / ref["throughput"], r["peak_rss_mb"]])
    print(_table(["variant", "p50 ms", "p95 ms", "texts/s", "p50 speedup", "thr speedup", "peak RSS MB"], rows))

    print()
    print("== 3. macro-F1")
    b = results["baselines"]
    sets = list(eval_files)
    rows = [["TF-IDF + LogisticRegression", *[b["tfidf_logreg"][s] for s in sets]],
            ["rule-based classifier", *[b["rules"][s] for s in sets]]]
    for v in ("fp32", "int8", "onnx", "onnx-int8", "default"):
        if v in results["infer"]:
            rows.append([f"fine-tuned {v}", *[results["infer"][v]["macro_f1"][s] for s in sets]])
    d = results["infer"].get("default", {})
    if "served_macro_f1" in d:
        share = ", ".join(f"{s}: {d['served_model_share'][s]:.0%}" for s in sets)
        rows.append([f"served: model >= 0.7 else rules (model decides {share})",
                     *[d["served_macro_f1"][s] for s in sets]])
    print(_table(["model", *sets], rows))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        kind, rest = sys.argv[2], sys.argv[3:]
        import creditai  # noqa: F401  (offline env before transformers)

        fn = {"train": worker_train, "infer": worker_infer, "baselines": worker_baselines}[kind]
        res = fn(*rest)
        print(json.dumps(res, default=str))
    else:
        main()
