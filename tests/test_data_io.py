"""JSONL reading/validation errors name file:line; the CLI exits 2 on bad files."""

import json
import subprocess
import sys

import pytest

from creditai import LABELS
from creditai.data.io import read_jsonl, validate_file, write_jsonl
from creditai.errors import DataError


def _write(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_read_ok_and_atomic_write(tmp_path):
    path = write_jsonl(tmp_path / "sub" / "x.jsonl", [{"text": "a", "label": "eligible"}, {"text": "b", "label": "not_eligible"}])
    assert [r["text"] for r in read_jsonl(path, labels=LABELS)] == ["a", "b"]
    assert list(path.parent.iterdir()) == [path]  # no temp file left behind


@pytest.mark.parametrize("lines, line, fragment", [
    (['{"text": "a", "label": "eligible"}', "{oops"], 2, "invalid JSON"),
    (['{"label": "eligible"}'], 1, "missing field 'text'"),
    (['{"text": "  ", "label": "eligible"}'], 1, "empty text"),
    (['{"text": "a", "label": "eligible"}', '{"text": "b", "label": "great"}'], 2, "unknown label 'great'"),
])
def test_read_errors_name_file_and_line(tmp_path, lines, line, fragment):
    path = _write(tmp_path / "d.jsonl", lines)
    with pytest.raises(DataError) as exc:
        read_jsonl(path, labels=LABELS)
    assert exc.value.line == line and fragment in exc.value.problem
    assert str(exc.value).startswith(f"{path}:{line}: ")


def test_empty_file_has_no_line(tmp_path):
    path = _write(tmp_path / "empty.jsonl", [])
    with pytest.raises(DataError) as exc:
        read_jsonl(path)
    assert exc.value.line is None and "no rows" in str(exc.value)


def test_validate_collects_all_errors_by_schema(tmp_path):
    cls = _write(tmp_path / "model2_classifier.train.jsonl", [
        '{"text": "a", "label": "eligible", "rule": "E_NOT_MINE"}', '{"text": "a", "label": "eligible"}', "nope",
        '{"text": "a", "label": "bad", "rule": "x"}'])
    assert [e.line for e in validate_file(cls)] == [2, 3, 4]
    sft = _write(tmp_path / "model1_sft.train.jsonl", [json.dumps({"messages": [{"role": "user", "content": "hi"}]})])
    assert "assistant" in validate_file(sft)[0].problem
    pairs = _write(tmp_path / "model3_pairs.valid.jsonl", ['{"text_1": "a", "text_2": "b", "label": 1.0}', '{"text_1": "a"}'])
    assert [e.line for e in validate_file(pairs)] == [2]


def test_cli_validate_exit_codes(tmp_path):
    good = _write(tmp_path / "model2_classifier.test.jsonl", ['{"text": "a", "label": "eligible", "rule": "E_NOT_MINE"}'])
    bad = _write(tmp_path / "model2_classifier.valid.jsonl", ['{"text": "a", "label": "eligible", "rule": "r"}', "{bad"])
    run = lambda *files: subprocess.run([sys.executable, "-m", "creditai", "data", "validate", *map(str, files)],
                                        capture_output=True, text=True, timeout=120)
    ok = run(good)
    assert ok.returncode == 0, ok.stderr
    res = run(good, bad)
    assert res.returncode == 2
    assert f"{bad}:2: invalid JSON" in res.stderr and "Traceback" not in res.stderr
