"""Batch --input on a real local Ray (2 CPUs): the same rows, byte for byte, as the local engine.

Each test runs the real `creditai` command twice on real files, once per engine, and
compares the outputs; a bad line must come back as one line naming file and line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from _helpers import ITEM_ROWS, train_tiny_classifier

pytest.importorskip("ray")
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CREDITAI = str(Path(sys.executable).parent / "creditai")

_ROWS = ITEM_ROWS


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([CREDITAI, *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "CREDITAI_NUM_THREADS": "1"})


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """A tiny trained classifier (1 epoch, a few dozen rows)."""
    return train_tiny_classifier(tmp_path_factory.mktemp("raymodel"))


def test_classify_ray_matches_local_file_by_file(tmp_path, model_dir):
    # 2,100 rows: windows of 1,024, so a file spans several windows and actors
    texts = [f"{t} Account ending {i:04d}, reported {2015 + i % 9}." for i in range(700) for t, _ in _ROWS[:3]]
    (tmp_path / "in").mkdir()
    _write(tmp_path / "in" / "a.jsonl", [{"id": i, "text": t, "label": "eligible"} for i, t in enumerate(texts)])
    _write(tmp_path / "in" / "b.jsonl", [{"text": t} for t, _ in _ROWS])
    common = ("classify", "-i", str(tmp_path / "in" / "*.jsonl"), "--model-dir", str(model_dir), "--threshold", "0.3")
    local = _run(*common, "-o", str(tmp_path / "local") + "/")
    assert local.returncode == 0, local.stderr
    ray = _run(*common, "-o", str(tmp_path / "ray") + "/", "--engine", "ray", "--actors", "2")
    assert ray.returncode == 0, ray.stderr
    for name in ("a.jsonl", "b.jsonl"):
        mine, theirs = (tmp_path / "local" / name).read_bytes(), (tmp_path / "ray" / name).read_bytes()
        assert mine == theirs, name
    rows = [json.loads(line) for line in (tmp_path / "ray" / "a.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == list(range(len(texts)))  # input order kept
    assert {r["source"] for r in rows} == {"model"} and all(r["gold_label"] == "eligible" for r in rows)
    assert "classified 2104 rows" in ray.stderr


def test_kb_search_ray_matches_local(tmp_path):
    index = tmp_path / "index"
    built = _run("kb", "build", "--bm25-only", "--index-dir", str(index))
    assert built.returncode == 0, built.stderr
    queries = _write(tmp_path / "q.jsonl", [{"query": q, "k": 3} for q in (
        "how long does a bureau have to investigate a dispute", "what is a 605B identity theft block",
        "can a paid collection stay on my report", "debt validation letter to a collector")])
    outs = {}
    for engine in ("local", "ray"):
        out = tmp_path / f"hits_{engine}.jsonl"
        res = _run("kb", "search", "-i", str(queries), "-o", str(out), "--index-dir", str(index), "--mode", "bm25",
                   "--engine", engine)
        assert res.returncode == 0, res.stderr
        outs[engine] = out.read_bytes()
    assert outs["local"] == outs["ray"] and outs["local"].count(b"\n") == 4


@pytest.mark.xfail(strict=True, reason="issue 25 open: analyze's answer text differs between the engines "
                                       "(labels agree; cause not found yet)")
def test_analyze_ray_matches_local(tmp_path):
    items = _write(tmp_path / "items.jsonl", [{"text": t} for t, _ in _ROWS])
    analyses = {}
    for engine in ("local", "ray"):
        out = tmp_path / f"analysis_{engine}.jsonl"
        res = _run("analyze", "-i", str(items), "-o", str(out), "--engine", engine)
        assert res.returncode == 0, res.stderr
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        for row in rows:
            row.pop("timings", None)  # measured, so different on every run
            row.get("meta", {}).pop("timings", None)
        analyses[engine] = rows
    assert analyses["local"] == analyses["ray"] and len(analyses["ray"]) == 4
    assert analyses["ray"][0]["request_id"] == "items.jsonl:1"  # no id: known by its place


def test_ray_bad_line_is_one_line_and_leaves_no_output(tmp_path):
    good = _write(tmp_path / "good.jsonl", [{"text": t} for t, _ in _ROWS])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n\n{"text": ""}\n', encoding="utf-8")
    res = _run("classify", "-i", str(good), "-i", str(bad), "-o", str(tmp_path / "out") + "/", "--engine", "ray",
               "--model-dir", str(tmp_path / "none"))
    assert res.returncode == 2
    assert f"error: {bad}:3: missing or empty field 'text'" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_engine_options_checked_before_work(tmp_path):
    f = _write(tmp_path / "x.jsonl", [{"text": "hello"}])
    res = _run("classify", "-i", str(f), "--actors", "2")
    assert res.returncode == 2 and "--address and --actors go with --engine ray" in res.stderr
    res = _run("classify", "-i", str(f), "--engine", "spark")
    assert res.returncode == 2 and "--engine must be local or ray" in res.stderr
    res = _run("classify", "-i", str(tmp_path / "nothing*.jsonl"))
    assert res.returncode == 2 and "no file matches" in res.stderr
    res = _run("classify", "-i", str(f), "-i", str(f), "-o", str(tmp_path / "one.jsonl"))  # one file after dedupe
    assert res.returncode == 0, res.stderr
