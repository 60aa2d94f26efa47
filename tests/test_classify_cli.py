"""`creditai classify` on a text and on --input/--output, and the rules fallback without a model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from _helpers import ITEM_ROWS, train_tiny_classifier

from creditai import LABELS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CREDITAI = str(Path(sys.executable).parent / "creditai")

_ROWS = ITEM_ROWS


def _classify(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([CREDITAI, "classify", *args], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """A tiny trained classifier (1 epoch, a few dozen rows)."""
    return train_tiny_classifier(tmp_path_factory.mktemp("cli"))


def test_classify_text(model_dir: Path):
    proc = _classify(_ROWS[0][0], "--model-dir", str(model_dir), "--threshold", "0")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "label:" in out and "confidence:" in out and "source: model" in out
    label = out.split("label:")[1].split()[0]
    assert label in LABELS

    proc = _classify(_ROWS[0][0], "--model-dir", str(model_dir), "--threshold", "0", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["source"] == "model" and data["label"] in LABELS
    assert set(data["probabilities"]) == set(LABELS)
    assert isinstance(data["rules"], list) and data["model_version"]


def test_classify_threshold_one_uses_rules(model_dir: Path):
    proc = _classify(_ROWS[3][0], "--model-dir", str(model_dir), "--threshold", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["source"] == "rules" and data["model_label"] in LABELS


def test_classify_file(model_dir: Path, tmp_path: Path):
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"id": i, "text": t, "label": y}) + "\n" for i, (t, y) in enumerate(_ROWS)))
    out = tmp_path / "out.jsonl"
    proc = _classify("--input", str(inp), "--output", str(out), "--model-dir", str(model_dir))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [0, 1, 2, 3]
    for r, (text, gold) in zip(rows, _ROWS):
        assert r["text"] == text and r["gold_label"] == gold
        assert r["label"] in LABELS and r["source"] in ("model", "rules")
        assert 0 < r["confidence"] <= 1 and set(r["probabilities"]) == set(LABELS)


def test_classify_onnx_backend(model_dir: Path, tmp_path: Path):
    """--backend onnx gives the torch backend's answer; an unknown backend is a one-line error."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import shutil

    model = tmp_path / "classifier"
    shutil.copytree(model_dir, model)
    out = {}
    for backend in ("torch", "onnx"):
        proc = _classify(_ROWS[1][0], "--model-dir", str(model), "--threshold", "0", "--json", "--backend", backend)
        assert proc.returncode == 0, proc.stderr
        out[backend] = json.loads(proc.stdout)
    assert out["onnx"]["source"] == "model" and out["onnx"]["label"] == out["torch"]["label"]
    # each follows the trainer's int8 decision for it; int8 kernels round differently from fp32
    inference = json.loads((model / "metadata.json").read_text())["inference"]
    int8 = inference["quantize"] or inference["onnx_quantize"]
    assert out["onnx"]["probabilities"] == pytest.approx(out["torch"]["probabilities"], abs=0.05 if int8 else 1e-4)

    proc = _classify("x", "--model-dir", str(model), "--backend", "tensorflow")
    assert proc.returncode == 2 and "--backend" in proc.stderr and "Traceback" not in proc.stderr


def test_classify_bad_input(tmp_path: Path, model_dir: Path):
    inp = tmp_path / "bad.jsonl"
    inp.write_text(json.dumps({"text": "fine"}) + "\n" + json.dumps({"text": ""}) + "\n")
    proc = _classify("--input", str(inp), "--output", str(tmp_path / "o.jsonl"), "--model-dir", str(model_dir))
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"{inp}:2" in lines[0], proc.stderr
    assert not (tmp_path / "o.jsonl").exists()

    proc = _classify("--input", str(tmp_path / "missing.jsonl"), "--model-dir", str(model_dir))
    assert proc.returncode == 2 and "missing.jsonl" in proc.stderr and "Traceback" not in proc.stderr


def test_rules_fallback_without_model(tmp_path: Path):
    missing = tmp_path / "no_model_here"
    proc = _classify(_ROWS[0][0], "--model-dir", str(missing), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["source"] == "rules" and data["label"] in LABELS and data["model_version"] is None
    assert data["rules"]

    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"text": t}) + "\n" for t, _ in _ROWS))
    out = tmp_path / "out.jsonl"
    proc = _classify("--input", str(inp), "--output", str(out), "--model-dir", str(missing))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 4 and all(r["source"] == "rules" for r in rows)


def test_predictor_api_without_model(tmp_path: Path):
    from creditai.inference.eligibility import EligibilityPredictor

    pred = EligibilityPredictor(tmp_path / "none", threshold=0.7)
    assert pred.info()["loaded"] is False
    res = pred.predict([t for t, _ in _ROWS])
    assert [r.source for r in res] == ["rules"] * 4
    assert all(abs(sum(r.probabilities.values()) - 1) < 1e-6 for r in res)


def test_predictor_thread_safe(model_dir: Path):
    from concurrent.futures import ThreadPoolExecutor

    from creditai.inference.eligibility import EligibilityPredictor

    pred = EligibilityPredictor(model_dir, threshold=0.0)
    info = pred.info()
    assert info["loaded"] is True and info["version"]
    texts = [t for t, _ in _ROWS]
    expected = [r.label for r in pred.predict(texts)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: [r.label for r in pred.predict(texts)], range(8)))
    assert all(r == expected for r in results)
