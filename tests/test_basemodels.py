"""Offline base-model resolution: bundled encoder, local dirs, and the clear error offline."""

from __future__ import annotations

import pytest

from creditai.basemodels import BUNDLED_ID, resolve_model
from creditai.errors import ModelNotFoundError

from conftest import run_cli


@pytest.mark.parametrize("alias", [BUNDLED_ID, "all-MiniLM-L6-v2"])
def test_bundled_resolves_offline(alias):
    res = resolve_model(alias)
    assert res.source == "bundled" and (res.path / "config.json").is_file() and res.model_id == BUNDLED_ID


def test_local_directory_wins(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert resolve_model(str(tmp_path)).source == "local"


def test_local_directory_without_config_is_clear(tmp_path):
    with pytest.raises(ModelNotFoundError, match="has no config.json"):
        resolve_model(str(tmp_path))


def test_non_bundled_id_offline_gives_clear_error(monkeypatch):
    monkeypatch.delenv("CREDITAI_ONLINE", raising=False)
    with pytest.raises(ModelNotFoundError) as exc:
        resolve_model("distilbert-base-uncased")
    msg = str(exc.value)
    assert "not available offline" in msg and BUNDLED_ID in msg and "local model directory" in msg


def test_cli_non_bundled_id_exit_2_no_traceback():
    res = run_cli("train", "classifier", "--dry-run", env={"DISTILBERT_MODEL_ID": "distilbert-base-uncased"})
    assert res.returncode == 2
    assert "not available offline" in res.stderr and "Traceback" not in res.stderr
    assert "socket" not in res.stderr.lower()


def test_cli_sft_without_weights_points_at_qwen_model_id():
    res = run_cli("train", "sft", "--dry-run")
    assert res.returncode == 2 and "QWEN_MODEL_ID" in res.stderr


def test_cli_help_and_models_list():
    assert run_cli("--help").returncode == 0
    res = run_cli("models", "list")
    assert res.returncode == 0 and "all-MiniLM-L6-v2" in res.stdout and "bundled" in res.stdout
