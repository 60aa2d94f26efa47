"""models push/pull: a folder and a local S3 endpoint (moto server), checksums verified.

The remote is the outside world, so most pull tests write a hostile manifest by hand and
check that nothing lands outside the models folder, and that the old model stays in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket

import pytest

from creditai import storage
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
    (store / "classifier" / "model.safetensors").write_bytes(b"weights-v2")  # same size, other bytes
    with pytest.raises(CreditAIError, match="checksum mismatch"):
        pull(str(store), dest)
    assert (dest / "classifier" / "model.safetensors").read_bytes() == b"old-good-model"
    assert [p.name for p in dest.iterdir()] == ["classifier"]  # no temp folder left behind


def _entry(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _fake_remote(store, files: dict[str, bytes], name="classifier", manifest_files=None, **extra):
    """A remote folder written by hand: `files` on disk, and a manifest listing `manifest_files`."""
    d = store / name
    d.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_bytes(data)
    listed = {rel: _entry(data) for rel, data in files.items()} if manifest_files is None else manifest_files
    (d / MANIFEST).write_text(json.dumps({"name": name, "files": listed, **extra}))
    return d


GOOD = {"metadata.json": b'{"kind": "classifier"}', "model.safetensors": b"weights"}


def _snapshot(root) -> set[str]:
    """Every path under `root` but the hand-written remote `store/`, for "nothing appeared" checks."""
    paths = {os.path.relpath(os.path.join(dp, n), root) for dp, dns, fns in os.walk(root) for n in dns + fns}
    return {p for p in paths if p != "store" and not p.startswith("store" + os.sep)}


@pytest.fixture
def installed(tmp_path):
    """A local models folder already holding a good `classifier`; returns (dest, tree before)."""
    dest = tmp_path / "pulled"
    _fake_model(dest, payload=b"old-good-model")
    return dest, _snapshot(tmp_path)


def _assert_untouched(tmp_path, installed) -> None:
    """The old model is intact, no temp folder is left and nothing appeared outside the remote."""
    dest, before = installed
    assert (dest / "classifier" / "model.safetensors").read_bytes() == b"old-good-model"
    assert [p.name for p in dest.iterdir()] == ["classifier"]
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("key", [
    "../escape.txt",
    "sub/../../escape.txt",
    "sub/../../../escape.txt",
    "..",
])
def test_pull_refuses_dotdot_keys(tmp_path, installed, key):
    store = tmp_path / "store"
    manifest = {**{k: _entry(v) for k, v in GOOD.items()}, key: _entry(b"pwned")}
    _fake_remote(store, GOOD, manifest_files=manifest)
    (store / "escape.txt").write_bytes(b"pwned")  # so `store/classifier/../escape.txt` exists remotely
    with pytest.raises(CreditAIError, match=r"unsafe file path .*escape\.txt|unsafe file path '\.\.'") as exc:
        pull(str(store), installed[0])
    assert "classifier" in str(exc.value) and MANIFEST in str(exc.value) and "\n" not in str(exc.value)
    _assert_untouched(tmp_path, installed)
    assert not (tmp_path / "escape.txt").exists() and not (installed[0] / "escape.txt").exists()


def test_pull_refuses_absolute_keys(tmp_path, installed):
    store = tmp_path / "store"
    # absolute keys inside tmp_path, so that even a broken pull can only write where the test looks
    outside = tmp_path / "abs.txt"
    for key in (str(outside), f"/{outside}", "C:\\x", "C:/x", "c:x", "\\\\host\\share\\x"):
        manifest = {**{k: _entry(v) for k, v in GOOD.items()}, key: _entry(b"pwned")}
        _fake_remote(store, GOOD, manifest_files=manifest)
        with pytest.raises(CreditAIError, match="unsafe file path") as exc:
            pull(str(store), installed[0])
        assert repr(key) in str(exc.value), key
    assert not outside.exists()
    _assert_untouched(tmp_path, installed)


@pytest.mark.parametrize("key", ["sub//x.json", "./x.json", "sub/./x.json", "sub/", "", "a\\b.json",
                                 "a\x00b.json", "a\nb.json", MANIFEST])
def test_pull_refuses_malformed_keys(tmp_path, installed, key):
    store = tmp_path / "store"
    manifest = {**{k: _entry(v) for k, v in GOOD.items()}, key: _entry(b"x")}
    _fake_remote(store, GOOD, manifest_files=manifest)
    with pytest.raises(CreditAIError, match="unsafe file path"):
        pull(str(store), installed[0])
    _assert_untouched(tmp_path, installed)


def test_pull_refuses_key_resolving_through_local_symlink(tmp_path, installed):
    dest, _ = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (dest / "classifier" / "link").symlink_to(elsewhere)
    store = tmp_path / "store"
    _fake_remote(store, {**GOOD, "link/x.json": b"{}"})
    with pytest.raises(CreditAIError, match="resolves outside"):
        pull(str(store), dest)
    assert list(elsewhere.iterdir()) == []


def test_pull_refuses_duplicate_keys(tmp_path, installed):
    store = tmp_path / "store"
    d = _fake_remote(store, GOOD)
    raw = (d / MANIFEST).read_text()
    dup = '"model.safetensors": ' + json.dumps(_entry(b"weights")) + ", "
    (d / MANIFEST).write_text(raw.replace('"files": {', '"files": {' + dup, 1))
    with pytest.raises(CreditAIError, match="duplicate key 'model.safetensors'"):
        pull(str(store), installed[0])
    _fake_remote(store, {**GOOD, "Vocab.txt": b"a", "vocab.txt": b"b"})
    with pytest.raises(CreditAIError, match="duplicates"):
        pull(str(store), installed[0])
    _fake_remote(store, {**GOOD}, manifest_files={**{k: _entry(v) for k, v in GOOD.items()},
                                                  "tok": _entry(b"a"), "tok/x": _entry(b"b")})
    with pytest.raises(CreditAIError, match="lies under file 'tok'"):
        pull(str(store), installed[0])
    _assert_untouched(tmp_path, installed)


def test_pull_empty_manifest_keeps_old_model(tmp_path, installed):
    store = tmp_path / "store"
    _fake_remote(store, {}, manifest_files={})
    with pytest.raises(CreditAIError, match="does not list metadata.json"):
        pull(str(store), installed[0])
    _assert_untouched(tmp_path, installed)


def test_pull_requires_metadata_and_weights(tmp_path, installed):
    store = tmp_path / "store"
    _fake_remote(store, {"model.safetensors": b"weights"})
    with pytest.raises(CreditAIError, match="does not list metadata.json"):
        pull(str(store), installed[0])
    (store / "classifier" / "model.safetensors").unlink()
    _fake_remote(store, {"metadata.json": b"{}", "tokenizer.json": b"{}"})
    with pytest.raises(CreditAIError, match="lists no weights"):
        pull(str(store), installed[0])
    assert (installed[0] / "classifier" / "model.safetensors").read_bytes() == b"old-good-model"
    assert [p.name for p in installed[0].iterdir()] == ["classifier"]


def test_pull_accepts_weights_in_a_module_subfolder(tmp_path):
    store = tmp_path / "store"
    files = {"metadata.json": b"{}", "modules.json": b"[]", "0_Transformer/model.safetensors": b"w",
             "0_Transformer/config.json": b"{}"}
    _fake_remote(store, files, name="embedder")
    [t] = pull(f"file://{store}", tmp_path / "pulled")
    assert t.files == 4 and t.bytes == sum(len(v) for v in files.values())
    assert (tmp_path / "pulled" / "embedder" / "0_Transformer" / "model.safetensors").read_bytes() == b"w"


def test_pull_refuses_wrong_declared_size(tmp_path, installed):
    store = tmp_path / "store"
    manifest = {"metadata.json": _entry(GOOD["metadata.json"]),
                "model.safetensors": {**_entry(b"weights"), "size": 3}}
    _fake_remote(store, GOOD, manifest_files=manifest)
    with pytest.raises(CreditAIError, match=r"model.safetensors: model 'classifier': remote size 7 != 3"):
        pull(str(store), installed[0])
    _assert_untouched(tmp_path, installed)


def test_pull_stops_a_download_that_outgrows_its_size(tmp_path, installed, monkeypatch):
    """A backend that cannot tell sizes up front: the chunked copy itself stops at the declared size."""
    store = tmp_path / "store"
    big = b"x" * (3 * storage._CHUNK)
    manifest = {"metadata.json": _entry(GOOD["metadata.json"]), "model.safetensors": {**_entry(big), "size": 10}}
    _fake_remote(store, {**GOOD, "model.safetensors": big}, manifest_files=manifest)
    monkeypatch.setattr("fsspec.implementations.local.LocalFileSystem.size", lambda self, path: None)
    with pytest.raises(CreditAIError, match="larger than the 10 bytes"):
        pull(str(store), installed[0])
    _assert_untouched(tmp_path, installed)


def test_pull_refuses_listed_file_missing_remotely(tmp_path, installed):
    store = tmp_path / "store"
    _fake_remote(store, GOOD, manifest_files={**{k: _entry(v) for k, v in GOOD.items()}, "gone.json": _entry(b"{}")})
    with pytest.raises(CreditAIError, match="gone.json: model 'classifier': listed in manifest.json but cannot be read"):
        pull(str(store), installed[0])
    assert [p.name for p in installed[0].iterdir()] == ["classifier"]


@pytest.mark.parametrize("bad, match", [
    ({"sha256": "abc", "size": 7}, "has no valid sha256"),
    ({"sha256": "g" * 64, "size": 7}, "has no valid sha256"),
    ({"size": 7}, "has no valid sha256"),
    ({"sha256": "0" * 64, "size": -1}, "has no valid size"),
    ({"sha256": "0" * 64, "size": True}, "has no valid size"),
    ({"sha256": "0" * 64, "size": "7"}, "has no valid size"),
    ({"sha256": "0" * 64}, "has no valid size"),
    ("deadbeef", "must be an object"),
])
def test_pull_refuses_malformed_entries(tmp_path, installed, bad, match):
    store = tmp_path / "store"
    _fake_remote(store, GOOD, manifest_files={"metadata.json": _entry(GOOD["metadata.json"]), "model.safetensors": bad})
    with pytest.raises(CreditAIError, match=f"entry 'model.safetensors' {match}"):
        pull(str(store), installed[0])
    assert (installed[0] / "classifier" / "model.safetensors").read_bytes() == b"old-good-model"


def test_pull_refuses_malformed_manifests(tmp_path, installed):
    store = tmp_path / "store"
    d = _fake_remote(store, GOOD)
    for text, match in [("[]", "must be a JSON object"), ("{not json", "invalid manifest JSON"),
                        (json.dumps({"name": "classifier", "files": []}), "no 'files' mapping"),
                        (json.dumps({"name": "classifier"}), "no 'files' mapping"),
                        (json.dumps({"name": "other", "files": {}}), "manifest name 'other' does not match")]:
        (d / MANIFEST).write_text(text)
        with pytest.raises(CreditAIError, match=match):
            pull(str(store), installed[0])
    assert (installed[0] / "classifier" / "model.safetensors").read_bytes() == b"old-good-model"
    assert [p.name for p in installed[0].iterdir()] == ["classifier"]


def test_pull_caps_file_count_and_total_size(tmp_path, installed, monkeypatch):
    store = tmp_path / "store"
    _fake_remote(store, GOOD)
    monkeypatch.setattr(storage, "MAX_FILES", 1)
    with pytest.raises(CreditAIError, match="lists 2 files \\(limit 1\\)"):
        pull(str(store), installed[0])
    monkeypatch.setattr(storage, "MAX_FILES", 10_000)
    monkeypatch.setattr(storage, "MAX_TOTAL_BYTES", 10)
    with pytest.raises(CreditAIError, match="declares 29 bytes \\(limit 10\\)"):
        pull(str(store), installed[0])
    assert [p.name for p in installed[0].iterdir()] == ["classifier"]


def test_pull_checks_every_model_before_installing_any(tmp_path):
    store = tmp_path / "store"
    _fake_remote(store, GOOD, name="a_good")
    _fake_remote(store, GOOD, name="b_bad", manifest_files={**{k: _entry(v) for k, v in GOOD.items()},
                                                             "../x": _entry(b"x")})
    dest = tmp_path / "pulled"
    with pytest.raises(CreditAIError, match="model 'b_bad': unsafe file path '../x'"):
        pull(str(store), dest)
    assert not dest.exists() or list(dest.iterdir()) == []


def test_pull_replaces_an_old_model_over_file_url(tmp_path, installed):
    src = tmp_path / "models"
    _fake_model(src, payload=b"weights-v2")
    push(src, f"file://{tmp_path / 'store'}")
    [t] = pull(f"file://{tmp_path / 'store'}", installed[0])
    assert (installed[0] / "classifier" / "model.safetensors").read_bytes() == b"weights-v2"
    assert (installed[0] / "classifier" / "sub" / "tokenizer.json").read_text() == '{"v": 1}'
    assert [p.name for p in installed[0].iterdir()] == ["classifier"] and t.files == 3


def test_cli_pull_unsafe_manifest_is_one_line(tmp_path):
    store = tmp_path / "store"
    _fake_remote(store, GOOD, manifest_files={**{k: _entry(v) for k, v in GOOD.items()}, "../escape.txt": _entry(b"x")})
    res = run_cli("models", "pull", str(store), "--models-dir", str(tmp_path / "pulled"))
    assert res.returncode == 2, res.stderr
    assert "unsafe file path '../escape.txt'" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "escape.txt").exists()


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
