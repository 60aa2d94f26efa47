"""Classifier training: output files, atomic save, reload + predict, data errors (file:line, exit 2).

One tiny model (a few dozen rows, 1 epoch, max_length 32) is trained once per module.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from creditai import LABELS
from creditai.config import load_config
from creditai.errors import DataError

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
REALISTIC = REPO / "tests" / "data" / "eligibility_realistic.jsonl"

_TEXTS = {
    "eligible": [
        "The Midland collection of $1,200 is not mine, I filed an identity theft report.",
        "Capital One shows a 30 day late for March but my bank statement shows I paid early.",
        "I paid the LVNV account in full and have the letter, the report still shows a balance.",
        "The same medical debt is reported twice by two collectors, both with a balance.",
    ],
    "conditionally_eligible": [
        "I think the Discover balance is too high but I do not have my statements.",
        "Not sure this Portfolio Recovery account is mine, I do not recognise it.",
        "The payment status on my auto loan shows Unknown and I am not sure why.",
        "I believe the late mark on my Chase card is wrong but I have no proof.",
    ],
    "not_eligible": [
        "I applied for the Amex card so the hard inquiry is mine, can I remove it anyway?",
        "The Wells Fargo late payment is accurate, I just want it gone from my report.",
        "My bankruptcy from 2021 is reported correctly, I want it deleted.",
        "I was late on the Citi card and I admit it, please ask for a goodwill removal.",
    ],
    "insufficient_information": [
        "Something on my report is wrong.",
        "Please fix my credit.",
        "There is an account I do not like, what can I do?",
        "My score dropped, help.",
    ],
}


def _rows(n_per_label: int) -> list[dict]:
    out = []
    for label, texts in _TEXTS.items():
        for i in range(n_per_label):
            out.append({"text": f"{texts[i % len(texts)]} (case {i})", "label": label})
    return out


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _tiny_overrides(data: Path, out: Path, **extra) -> dict:
    return {
        "train_file": str(data / "train.jsonl"),
        "valid_file": str(data / "valid.jsonl"),
        "test_file": str(data / "test.jsonl"),
        "output_dir": str(out),
        "epochs": 1,
        "max_length": 32,
        "batch_size": 8,
        "eval_batch_size": 32,
        "learning_rate": 2e-4,
        "warmup_ratio": 0.0,
        **extra,
    }


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("clfdata")
    _write_jsonl(d / "train.jsonl", _rows(8))
    _write_jsonl(d / "valid.jsonl", _rows(3))
    _write_jsonl(d / "test.jsonl", _rows(3))
    return d


@pytest.fixture(scope="module")
def tiny_model(tiny_data, tmp_path_factory) -> Path:
    from creditai.train.classifier import train_classifier

    out = tmp_path_factory.mktemp("clfmodel") / "classifier"
    cfg = load_config("classifier", REPO / "configs" / "model2_classifier.yaml", _tiny_overrides(tiny_data, out))
    assert train_classifier(cfg, progress=False) == out
    return out


def test_output_files(tiny_model: Path):
    names = {p.name for p in tiny_model.iterdir()}
    assert "model.safetensors" in names
    assert {"tokenizer.json", "tokenizer_config.json"} <= names
    assert {"config.json", "metadata.json", "test_metrics.json", "calibration.json"} <= names
    assert not any(n.startswith("checkpoint") or n == "checkpoints" for n in names)  # only the final model
    assert "training_args.bin" not in names

    config = json.loads((tiny_model / "config.json").read_text())
    assert [config["id2label"][str(i)] for i in range(4)] == list(LABELS)
    assert config["label2id"] == {label: i for i, label in enumerate(LABELS)}

    meta = json.loads((tiny_model / "metadata.json").read_text())
    for key in ("base_model", "base_model_path", "config", "dataset_hashes", "metrics", "library_versions",
                "created_at", "training_seconds", "device", "labels", "inference", "calibration"):
        assert key in meta, key
    assert meta["kind"] == "classifier"
    assert meta["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert set(meta["dataset_hashes"]) == {"train", "valid", "test"}
    assert meta["config"]["max_length"] == 32
    assert "transformers" in meta["library_versions"] and "torch" in meta["library_versions"]
    assert isinstance(meta["inference"]["quantize"], bool)

    tm = json.loads((tiny_model / "test_metrics.json").read_text())
    for key in ("accuracy", "macro_f1", "per_class", "confusion_matrix", "ece_before", "ece_after", "temperature"):
        assert key in tm, key
    assert set(tm["per_class"]) == set(LABELS)
    assert set(tm["per_class"]["eligible"]) == {"precision", "recall", "f1", "support"}
    assert tm["confusion_matrix"]["labels"] == list(LABELS)
    assert sum(map(sum, tm["confusion_matrix"]["matrix"])) == tm["n"] == 12
    assert 0 <= tm["ece_before"] <= 1 and 0 <= tm["ece_after"] <= 1 and tm["temperature"] > 0

    # no temp / checkpoint siblings left behind
    assert [p.name for p in tiny_model.parent.iterdir()] == ["classifier"]


def test_load_and_predict(tiny_model: Path, tmp_path: Path):
    import shutil

    from creditai.inference.classifier import Classifier

    model = tmp_path / "classifier"
    shutil.copytree(tiny_model, model)  # fp32 on an ONNX-chosen model exports model.onnx beside the weights
    for quantize in (False, True):
        clf = Classifier.load(model, quantize=quantize)
        preds = clf.predict(["Something on my report is wrong.", "The Midland account is not mine."] * 3,
                            batch_size=4)
        assert len(preds) == 6
        for p in preds:
            assert p.label in LABELS
            assert set(p.probabilities) == set(LABELS)
            assert abs(sum(p.probabilities.values()) - 1) < 1e-5
            assert p.confidence == pytest.approx(max(p.probabilities.values()))
        # Order-independent: exact in fp32; int8 quantizes activations per batch, so the
        # batch a row lands in moves its probabilities slightly.
        tol = 0.05 if quantize else 1e-6
        assert preds[0].probabilities == pytest.approx(preds[2].probabilities, abs=tol)


def test_onnx_backend_matches_torch(tiny_model: Path, tmp_path: Path):
    """The ONNX export feeds the hint segment ids too: same probabilities as the torch model."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import shutil

    from creditai.inference.classifier import Classifier

    model = tmp_path / "classifier"
    shutil.copytree(tiny_model, model)  # the export writes model.onnx beside the weights
    texts = [r["text"] for r in json.loads("[" + ",".join(REALISTIC.read_text().splitlines()[:12]) + "]")]
    ref = Classifier.load(model, backend="torch", quantize=False).predict_proba(texts)
    onnx = Classifier.load(model, backend="onnx", quantize=False)
    assert {i.name for i in onnx._session.get_inputs()} == {"input_ids", "attention_mask", "token_type_ids"}
    assert onnx.predict_proba(texts) == pytest.approx(ref, abs=1e-4)
    assert (model / "model.onnx").is_file()


def test_trainer_verifies_the_default_backend(tiny_model: Path):
    """Each int8 variant is scored on the test split; `auto` gets ONNX int8 only when it kept macro-F1."""
    from creditai.inference.classifier import onnx_available

    inf = json.loads((tiny_model / "metadata.json").read_text())["inference"]
    names = {p.name for p in tiny_model.iterdir()}
    allowed = inf["max_f1_drop_points"]
    assert inf["max_f1_drop_points"] == 0.5 and inf["backend"] in ("torch", "onnx")
    assert inf["quantize"] == ((inf["fp32_macro_f1"] - inf["quantized_macro_f1"]) * 100 <= allowed)
    if onnx_available():
        assert inf["onnx_quantize"] == ((inf["fp32_macro_f1"] - inf["onnx_int8_macro_f1"]) * 100 <= allowed)
        assert "model.int8.onnx" in names and "model.onnx" not in names  # the int8 graph ships, not the fp32 one
    else:
        assert inf["onnx_quantize"] is False and "unavailable" in inf["reason"]
    assert (inf["backend"] == "onnx") == inf["onnx_quantize"]
    assert "->" in inf["reason"]


def test_auto_backend_follows_the_trainer(tiny_model: Path, tmp_path: Path):
    """`auto` loads what metadata.json names, and the torch fallback where ONNX Runtime is missing."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import shutil

    from creditai.inference.classifier import Classifier

    model = tmp_path / "classifier"
    shutil.copytree(tiny_model, model)
    meta_path = model / "metadata.json"
    meta = json.loads(meta_path.read_text())
    for backend, onnx_int8, torch_int8 in (("onnx", True, False), ("torch", False, True), ("torch", False, False)):
        meta["inference"].update(backend=backend, onnx_quantize=onnx_int8, quantize=torch_int8)
        meta_path.write_text(json.dumps(meta))
        clf = Classifier.load(model)
        assert (clf.backend, clf.quantized) == (backend, onnx_int8 or torch_int8)
    assert not (model / "model.onnx").exists()  # the shipped int8 graph is used as is, no fp32 re-export

    meta["inference"].update(backend="onnx", onnx_quantize=True, quantize=True)
    meta_path.write_text(json.dumps(meta))
    code = ("import sys; sys.modules['onnxruntime'] = None\n"  # as on a machine without the onnx extra
            "from creditai.inference.classifier import Classifier\n"
            f"c = Classifier.load({str(model)!r}); print(c.backend, c.quantized)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["torch", "True"]


def test_onnx_batches_in_parallel_match_one_by_one(tiny_model: Path, tmp_path: Path):
    """Several batches on single-threaded workers give the probabilities of one batch at a time."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import shutil

    from creditai.inference.classifier import Classifier

    model = tmp_path / "classifier"
    shutil.copytree(tiny_model, model)
    texts = [r["text"] for r in json.loads("[" + ",".join(REALISTIC.read_text().splitlines()[:30]) + "]")]
    serial = Classifier.load(model, backend="onnx", quantize=True, num_threads=1)
    parallel = Classifier.load(model, backend="onnx", quantize=True, num_threads=2)
    expected = serial.predict_proba(texts, batch_size=4)
    assert serial._pool is None
    got = parallel.predict_proba(texts, batch_size=4)
    assert parallel._pool is not None  # 8 batches went to the workers
    assert got == pytest.approx(expected, abs=1e-5)
    # one batch runs on the latency session, all threads
    assert parallel.predict_proba(texts[:3], batch_size=4) == pytest.approx(serial.predict_proba(texts[:3], batch_size=4),
                                                                           abs=1e-5)


def test_onnx_cache_for_read_only_models(tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A read-only model folder exports to one cache path per weights, the same in every process."""
    import os
    import shutil

    from creditai.inference import classifier as C

    model = tmp_path / "classifier"
    shutil.copytree(tiny_model, model)
    assert C._onnx_target(model) == model / "model.onnx"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(C.os, "access", lambda p, mode: False)  # the folder as another user sees it
    first = C._onnx_target(model)
    assert first.parent.parent == tmp_path / "cache" / "creditai" / "onnx" and first.name == "model.onnx"
    code = (f"from pathlib import Path; from creditai.inference import classifier as C; import os; "
            f"os.access = lambda p, m: False; print(C._onnx_target(Path({str(model)!r})))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}, check=True)
    assert other.stdout.strip() == str(first)  # not salted per process
    os.utime(model / "model.safetensors", ns=(1, 1))  # retrained in place: a new export
    assert C._onnx_target(model) != first


def test_onnx_write_is_atomic(tmp_path: Path):
    """A failed export or quantization leaves neither the target nor its temp file behind."""
    from creditai.train.common import write_atomically

    target = tmp_path / "m" / "model.onnx"

    def half_written(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("export failed")

    with pytest.raises(RuntimeError, match="export failed"):
        write_atomically(target, half_written)
    assert list((tmp_path / "m").iterdir()) == []
    write_atomically(target, lambda tmp: tmp.write_bytes(b"whole"))
    assert target.read_bytes() == b"whole" and [p.name for p in (tmp_path / "m").iterdir()] == ["model.onnx"]


def test_fp32_matches_trainer_metrics(tiny_model: Path, tiny_data: Path):
    """The served model (fp32) reproduces the saved test accuracy."""
    from creditai.inference.classifier import Classifier

    rows = [json.loads(line) for line in (tiny_data / "test.jsonl").read_text().splitlines()]
    clf = Classifier.load(tiny_model, backend="torch", quantize=False)
    preds = clf.predict([r["text"] for r in rows])
    acc = sum(p.label == r["label"] for p, r in zip(preds, rows)) / len(rows)
    tm = json.loads((tiny_model / "test_metrics.json").read_text())
    assert acc == pytest.approx(tm["accuracy"], abs=1 / len(rows) + 1e-9)


def test_interrupted_run_keeps_old_model(tiny_model: Path, tiny_data: Path, tmp_path: Path):
    import shutil

    from transformers import TrainerCallback

    from creditai.train.classifier import train_classifier

    out = tmp_path / "classifier"
    shutil.copytree(tiny_model, out)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    before_meta = (out / "metadata.json").read_bytes()

    class Boom(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            raise RuntimeError("interrupted on purpose")

    cfg = load_config("classifier", REPO / "configs" / "model2_classifier.yaml", _tiny_overrides(tiny_data, out))
    with pytest.raises(RuntimeError, match="interrupted on purpose"):
        train_classifier(cfg, progress=False, callbacks=[Boom()])
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    assert (out / "metadata.json").read_bytes() == before_meta
    assert [p.name for p in tmp_path.iterdir()] == ["classifier"]  # no temp dirs behind

    # A bad validation file also fails before anything is replaced.
    bad = _write_jsonl(tmp_path / "bad_valid.jsonl", [{"text": "fine", "label": "eligible"}, {"text": "", "label": "eligible"}])
    cfg = load_config("classifier", REPO / "configs" / "model2_classifier.yaml",
                      _tiny_overrides(tiny_data, out, valid_file=str(bad)))
    with pytest.raises(DataError, match=r"bad_valid\.jsonl:2"):
        train_classifier(cfg, progress=False)
    assert (out / "metadata.json").read_bytes() == before_meta
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad_valid.jsonl", "classifier"]


def test_num_layers_keeps_the_first_encoder_layers(tmp_path: Path, tiny_data: Path):
    """`num_layers: 2` trains and saves a 2-layer model that loads and predicts; more layers than
    the base has is a config error naming the field, before any training."""
    from creditai.errors import ConfigError
    from creditai.inference.classifier import Classifier
    from creditai.train.classifier import train_classifier

    out = tmp_path / "two-layers"
    cfg = load_config("classifier", REPO / "configs" / "model2_classifier.yaml",
                      _tiny_overrides(tiny_data, out, num_layers=2, quantize=False))
    train_classifier(cfg, progress=False)
    assert json.loads((out / "config.json").read_text())["num_hidden_layers"] == 2
    probs = Classifier.load(out, backend="torch").predict_proba(["a collection that is not mine"])
    assert probs.shape == (1, len(LABELS)) and abs(float(probs.sum()) - 1) < 1e-5
    cfg = load_config("classifier", REPO / "configs" / "model2_classifier.yaml",
                      _tiny_overrides(tiny_data, tmp_path / "seven", num_layers=7))
    with pytest.raises(ConfigError, match="num_layers: 7 is more than the 6 layers"):
        train_classifier(cfg, progress=False)
    assert not (tmp_path / "seven").exists()


def test_helpers():
    import numpy as np

    from creditai.metrics import expected_calibration_error
    from creditai.train.classifier import class_weight_vector, fit_temperature

    w = class_weight_vector([0, 0, 0, 1], 3)
    assert w[0] < w[1] and w[2] == 0.0
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, 400)
    logits = rng.normal(size=(400, 4))
    logits[np.arange(400), labels] += 2.0
    over = logits * 4  # overconfident: the fitted temperature should undo most of it
    t = fit_temperature(over, labels)
    assert 2.0 < t < 8.0
    probs = lambda z, T: np.exp(z / T) / np.exp(z / T).sum(1, keepdims=True)  # noqa: E731
    assert expected_calibration_error(probs(over, t), labels) < expected_calibration_error(probs(over, 1.0), labels)


# ---------------------------------------------------------------- data errors via the CLI


def _cli_train(cfg_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "creditai"), "train", "classifier", "--config", str(cfg_path)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize(
    "case, rows, where, message",
    [
        ("empty_text", [{"text": "ok text", "label": "eligible"}, {"text": "   ", "label": "eligible"}], ":2", "empty text"),
        ("unknown_label", [{"text": "ok", "label": "eligible"}, {"text": "x", "label": "maybe"}], ":2", "unknown label"),
        ("empty_file", [], "", "no rows"),
    ],
)
def test_data_errors_cli(tmp_path: Path, tiny_data: Path, case, rows, where, message):
    bad = _write_jsonl(tmp_path / f"{case}.jsonl", rows)
    cfg = {
        "model_id": "sentence-transformers/all-MiniLM-L6-v2",
        "output_dir": str(tmp_path / "out"),
        "train_file": str(bad),
        "valid_file": str(tiny_data / "valid.jsonl"),
        "test_file": str(tiny_data / "test.jsonl"),
        "epochs": 1,
        "max_length": 32,
    }
    cfg_path = tmp_path / "cfg.yaml"
    cfg_path.write_text(yaml.safe_dump(cfg))
    proc = _cli_train(cfg_path)
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert f"{bad}{where}" in lines[0] and message in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
