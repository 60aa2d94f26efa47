"""The main job end to end: `creditai pipeline --quick` trains real (small) models, builds the
index, writes the evaluation report; a second run skips unchanged stages; gates work."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    env = {
        "CREDITAI_DATA_DIR": str(root / "data"),
        "CREDITAI_MODELS_DIR": str(root / "models"),
        "CREDITAI_INDEX_DIR": str(root / "index"),
        "CREDITAI_REPORTS_DIR": str(root / "reports"),
        "COLUMNS": "300",  # keep the summary table's rows on one line each
    }
    first = run_cli("pipeline", "--quick", env=env, timeout=900)
    return root, env, first


def test_quick_pipeline_runs_every_stage(quick_run):
    root, _, res = quick_run
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    for stage in ("data", "classifier", "guard", "embeddings", "kb-index", "sft", "evaluate"):
        assert stage in res.stdout
    assert "no LLM weights" in res.stdout  # SFT skipped, saying why
    q = root / "quick" / "models"
    for name in ("classifier", "embeddings"):
        meta = json.loads((q / name / "metadata.json").read_text())
        assert meta["kind"] == name or name in meta["kind"]
    guard = json.loads((q / "guard" / "config.json").read_text())
    assert guard["architectures"] == ["MeanPoolForSequenceClassification"] and "allowed" in guard["label2id"]
    assert (q / "classifier" / "test_metrics.json").is_file()


def test_report_schema_and_content(quick_run):
    root, _, _ = quick_run
    reports = root / "reports" / "quick"
    report = json.loads((reports / "AI_EVALUATION_REPORT.json").read_text())
    assert report["schema_version"] == "1.0"
    clf = report["classifier"]
    assert clf["status"] == "ok"
    for ds in ("generated_test", "realistic"):
        m = clf["datasets"][ds]
        assert {"accuracy", "macro_f1", "per_class", "confusion_matrix", "ece"} <= set(m)
        assert ds in clf["baselines"]["rules"] and ds in clf["baselines"]["tfidf"]
    assert set(report["retrieval"]["modes"]) == {"bm25", "base", "finetuned", "hybrid"}
    assert 0 <= report["retrieval"]["modes"]["hybrid"]["recall@5"] <= 1
    template = report["assistant"]["paths"]["template"]
    assert template["refusal_rate"] == 1.0 and template["compliance_rate"] == 1.0
    guard = report["guard"]
    assert guard["status"] == "ok" and guard["screener"]["loaded"], guard
    for path in ("rules", "rules+model"):
        for name in ("blind", "blind3", "dev", "dev2", "dev3", "redteam_dev"):
            m = guard["paths"][path][name]
            assert 0 <= m["decline_rate"] <= 1 and 0 <= m["over_refusal_rate"] <= 1 and m["by_category"]
    assert guard["paths"]["rules+model"]["blind"]["n_prohibited"] == 110
    assert guard["screening_ms"]["p50"] > 0
    real = report["real_text"]  # ../shared is beside the checkout in CI; elsewhere it may be missing
    assert real["status"] in ("ok", "missing"), real
    if real["status"] == "ok":
        assert real["n"] > 0 and abs(sum(real["labels"].values()) - 1) < 1e-6
    md = (reports / "AI_EVALUATION_REPORT.md").read_text()
    assert "## Eligibility classifier" in md and "## Retrieval" in md and "## Request screening" in md
    for png in report["plots"]:
        assert (reports / png).read_bytes()[:4] == b"\x89PNG"


def test_second_run_skips_unchanged_stages(quick_run):
    _, env, _ = quick_run
    res = run_cli("pipeline", "--quick", "--skip", "evaluate", env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    lines = {line.split("│")[1].strip(): line for line in res.stdout.splitlines() if line.count("│") > 3}
    for stage in ("data", "classifier", "embeddings"):
        assert "skipped" in lines[stage], res.stdout


def test_evaluate_gates(quick_run):
    root, env, _ = quick_run
    q = root / "quick"
    args = ["evaluate", "--models-dir", str(q / "models"), "--data-dir", str(q / "data"), "--index-dir", str(q / "index"), "--out", str(root / "gates"), "--no-plots"]
    res = run_cli(*args, "--fail-under", "assistant.template.refusal_rate=1.0",
                  "--fail-under", "classifier.realistic.macro_f1=1.01", env=env, timeout=600)
    assert res.returncode == 1, res.stderr[-2000:]
    assert "gate failed: classifier.realistic.macro_f1" in res.stderr and "refusal_rate" not in res.stderr


def test_evaluate_with_nothing_trained_says_what_is_missing(tmp_path):
    res = run_cli("evaluate", "--models-dir", str(tmp_path / "none"), "--data-dir", str(tmp_path / "none"),
                  "--index-dir", str(tmp_path / "none"), "--out", str(tmp_path / "r"), "--no-plots", timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    report = json.loads((tmp_path / "r" / "AI_EVALUATION_REPORT.json").read_text())
    assert report["missing"] and any("classifier" in m for m in report["missing"])
