"""models push/pull: a folder and a local S3 endpoint (moto server), checksums verified."""

from __future__ import annotations

import json
import socket

import pytest

from creditai.errors import CreditAIError
from creditai.storage import MANIFEST, pull, push
from creditai.train.common import write_json

from conftest import run_cli


def _fake_model(root, name="classifier", payload=b"weights-v1"):
    d = root / name
    (d / "sub").mkdir(parents=True)
    (d / "model.safetensors").write_bytes(payload)
    (d / "sub" / "tokenizer.json").write_text('{"v": 1}')
    write_json(d / "metadata.json", {"kind": "classifier", "base_model": "x"})
    return d


def test_push_pull_folder_roundtrip(tmp_path):
    src = tmp_path / "models"
    _fake_model(src)
    store = tmp_path / "store"
    [t] = push(src, f"file://{store}")
    assert t.files == 3 and (store / "classifier" / MANIFEST).is_file()
    dest = tmp_path / "pulled"
    [p] = pull(str(store), dest)
    assert (dest / "classifier" / "model.safetensors").read_bytes() == b"weights-v1"
    assert (dest / "classifier" / "sub" / "tokenizer.json").is_file()
    assert p.bytes == t.bytes


def test_pull_checksum_mismatch_leaves_old_model(tmp_path):
    src = tmp_path / "models"
    _fake_model(src)
    store = tmp_path / "store"
    push(src, str(store))
    dest = tmp_path / "pulled"
    _fake_model(dest, payload=b"old-good-model")
    (store / "classifier" / "model.safetensors").write_bytes(b"tampered")
    with pytest.raises(CreditAIError, match="checksum mismatch"):
        pull(str(store), dest)
    assert (dest / "classifier" / "model.safetensors").read_bytes() == b"old-good-model"
    assert [p.name for p in dest.iterdir()] == ["classifier"]  # no temp folder left behind


def test_unfinished_upload_is_not_pulled(tmp_path):
    src = tmp_path / "models"
    _fake_model(src)
    store = tmp_path / "store"
    push(src, str(store))
    (store / "classifier" / MANIFEST).unlink()
    with pytest.raises(CreditAIError, match="no complete model named classifier"):
        pull(str(store), tmp_path / "pulled", ["classifier"])


def test_cli_push_nothing_is_clear(tmp_path):
    res = run_cli("models", "push", str(tmp_path / "store"), "--models-dir", str(tmp_path / "empty"))
    assert res.returncode == 2 and "no trained models to push" in res.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket="models")
    yield url
    server.stop()


def test_push_pull_s3_via_cli(tmp_path, s3_endpoint, monkeypatch):
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    src = tmp_path / "models"
    _fake_model(src)
    opt = f"endpoint_url={s3_endpoint}"
    res = run_cli("models", "push", "s3://models/v1", "--models-dir", str(src), "-o", opt, env=env)
    assert res.returncode == 0, res.stderr
    assert "pushed classifier: 3 files" in res.stdout
    res = run_cli("models", "pull", "s3://models/v1", "--models-dir", str(tmp_path / "pulled"), "-o", opt, env=env)
    assert res.returncode == 0, res.stderr
    meta = json.loads((tmp_path / "pulled" / "classifier" / "metadata.json").read_text())
    assert meta["kind"] == "classifier"
