"""Seed spread of the classifier's quality on the hand-written sets.

    .venv/bin/python benchmarks/bench_classifier_seeds.py                        # seeds 42,7,13
    .venv/bin/python benchmarks/bench_classifier_seeds.py --seeds 42,7 --set learning_rate=1e-4

Trains configs/model2_classifier.yaml (plus any --set overrides) once per seed into a
temporary folder, then prints macro-F1 of the model alone, the model as served (rules
fallback below the confidence threshold) and the rule-based classifier on the realistic
and dev sets and the generated test split, and the mean and standard deviation over seeds.

Why it exists: one training run moves by up to 0.04 macro-F1 on the hand-written sets when
only a handful of training rows change, so a change to the data, the rules or the config
is judged by its mean over several seeds, never by one run. About 2 minutes a seed on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

HAND_WRITTEN = {
    "realistic": REPO / "tests" / "data" / "eligibility_realistic.jsonl",
    "dev": REPO / "tests" / "data" / "eligibility_dev.jsonl",
}
SOURCES = ("model", "served", "rules")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="42,7,13", help="comma-separated training seeds (default 42,7,13)")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                    help="config override, as in `creditai train classifier --set` (repeatable)")
    ap.add_argument("--config", type=Path, default=REPO / "configs" / "model2_classifier.yaml")
    ap.add_argument("--data-dir", type=Path, default=None, help="generated data (default: $CREDITAI_DATA_DIR or data/finetune)")
    ap.add_argument("--threshold", type=float, default=0.7, help="served: rules decide below this confidence")
    ap.add_argument("--json", type=Path, default=None, help="also write the per-seed results here")
    args = ap.parse_args()

    import creditai  # noqa: F401  (offline environment)
    from creditai.config import load_config, parse_set
    from creditai.errors import CreditAIError
    from creditai.evaluate import EvalInputs, evaluate_classifier
    from creditai.paths import data_dir
    from creditai.train.classifier import train_classifier

    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        sys.exit(f"--seeds {args.seeds!r}: expected comma-separated integers")
    data = (args.data_dir or data_dir()).resolve()
    if not (data / "model2_classifier.train.jsonl").is_file():
        from creditai.data.generator import write_datasets

        print(f"generating the default datasets into {data} ...", flush=True)
        write_datasets(data, seed=int(os.environ.get("DATASET_SEED", 42)), progress=False)
    base = {"train_file": str(data / "model2_classifier.train.jsonl"), "valid_file": str(data / "model2_classifier.valid.jsonl"),
            "test_file": str(data / "model2_classifier.test.jsonl")}
    try:
        overrides = parse_set(args.sets)
        load_config("classifier", args.config, {**base, **overrides}, env={})  # fail before any training
    except CreditAIError as exc:
        sys.exit(str(exc))

    # each seed is scored by the evaluation harness itself (`creditai evaluate`'s classifier
    # section), so these numbers are the report's numbers
    per_seed: dict[int, dict] = {}
    rule_f1: dict[str, float] = {}
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix="creditai-seed-") as tmp:
            cfg = load_config("classifier", args.config,
                              {**base, **overrides, "seed": seed, "output_dir": str(Path(tmp) / "classifier")}, env={})
            print(f"seed {seed}: training ...", flush=True)
            with contextlib.redirect_stdout(io.StringIO()):  # the Trainer prints each log dict
                train_classifier(cfg, progress=False)
            report = evaluate_classifier(EvalInputs(models_dir=Path(tmp), data_dir=data, threshold=args.threshold,
                                                    realistic=HAND_WRITTEN["realistic"], dev=HAND_WRITTEN["dev"]))
        per_seed[seed] = {name: {"model": m["macro_f1"], "served": report["fallback"][name]["macro_f1"]}
                          for name, m in report["datasets"].items()}
        rule_f1 = {name: m["macro_f1"] for name, m in report["baselines"]["rules"].items()}  # the same every seed
        print("  " + "  ".join(f"{name} model {s['model']:.3f} served {s['served']:.3f}" for name, s in per_seed[seed].items()),
              flush=True)

    print(f"\nmacro-F1 over seeds {', '.join(map(str, seeds))}" + (f" with {' '.join(args.sets)}" if args.sets else ""))
    print(f"{'set':<16}{'source':<8}" + "".join(f"{f's{seed}':>8}" for seed in seeds) + f"{'mean':>8}{'sd':>8}")
    for name in rule_f1:
        for source in SOURCES:
            vals = [rule_f1[name]] * len(seeds) if source == "rules" else [per_seed[s][name][source] for s in seeds]
            sd = statistics.stdev(vals) if len(vals) > 1 else 0.0
            print(f"{name:<16}{source:<8}" + "".join(f"{v:>8.3f}" for v in vals) + f"{statistics.fmean(vals):>8.3f}{sd:>8.3f}")
    if args.json:
        args.json.write_text(json.dumps({"seeds": seeds, "overrides": args.sets, "rules": rule_f1,
                                         "per_seed": {str(k): v for k, v in per_seed.items()}}, indent=2))


if __name__ == "__main__":
    main()
