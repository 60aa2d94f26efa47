"""JSONL reading, atomic writing and schema validation with file:line errors."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from creditai import LABELS
from creditai.data.policy import REQUEST_LABELS
from creditai.errors import DataError

_SCHEMAS: tuple[tuple[str, dict], ...] = (
    # file-name fragment -> schema (required fields, text fields that must be non-empty, label field/values)
    ("pairs", {"required": ("text_1", "text_2", "label"), "texts": ("text_1", "text_2"), "label": None}),
    ("sft", {"required": ("messages",), "texts": (), "label": None}),
    ("classifier", {"required": ("text", "label", "rule"), "texts": ("text",), "label": LABELS}),
    ("requests", {"required": ("text", "label", "style", "turns"), "texts": ("text",), "label": REQUEST_LABELS}),
)
_DEFAULT_SCHEMA = {"required": ("text", "label"), "texts": ("text",), "label": LABELS}


def iter_jsonl(path: str | os.PathLike) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; a missing file, invalid JSON or a
    non-object line raises `DataError(path, line, problem)`. Callers check their own fields."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "file not found")
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, start=1):
            if raw.strip():
                yield n, parse_object(path, n, raw)


def parse_object(path: object, line: int, raw: str) -> dict:
    """One JSONL line as an object; invalid JSON or another value raises DataError(path, line, problem)."""
    try:
        row = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DataError(path, line, f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise DataError(path, line, "expected a JSON object")
    return row


def read_jsonl(path: str | os.PathLike, *, required: Sequence[str] = ("text", "label"),
               labels: Sequence[str] | None = None, text_field: str = "text",
               label_field: str = "label") -> list[dict]:
    """Read a JSONL file; the first problem raises `DataError(path, line, problem)`."""
    errors: list[DataError] = []
    rows = _scan(Path(path), required=required, texts=(text_field,) if text_field in required else (),
                 label_field=label_field, labels=labels, errors=errors, stop_at_first=True)
    if errors:
        raise errors[0]
    return rows


def _scan(path: Path, *, required: Sequence[str], texts: Sequence[str], label_field: str,
          labels: Sequence[str] | None, errors: list[DataError], stop_at_first: bool) -> list[dict]:
    if not path.is_file():
        errors.append(DataError(path, None, "file not found"))
        return []
    rows: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            problem = None
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as exc:
                row, problem = None, f"invalid JSON ({exc.msg} at column {exc.colno})"
            if problem is None and not isinstance(row, dict):
                problem = "expected a JSON object"
            if problem is None:
                missing = [k for k in required if k not in row]
                empty = [k for k in texts if k in row and (not isinstance(row[k], str) or not row[k].strip())]
                if missing:
                    problem = f"missing field {', '.join(repr(k) for k in missing)}"
                elif empty:
                    problem = f"empty text in field {empty[0]!r}"
                elif labels is not None and label_field in row and row[label_field] not in labels:
                    problem = f"unknown label {row[label_field]!r} (expected one of: {', '.join(labels)})"
                elif "messages" in required:
                    problem = _check_messages(row["messages"])
            if problem:
                errors.append(DataError(path, n, problem))
                if stop_at_first:
                    return rows
                continue
            rows.append(row)
    if not rows and not errors:
        errors.append(DataError(path, None, "file has no rows"))
    return rows


def _check_messages(messages: object) -> str | None:
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty list"
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant"):
            return f"message {i} needs a role of system/user/assistant"
        if not isinstance(m.get("content"), str) or not m["content"].strip():
            return f"message {i} has empty content"
    if messages[-1]["role"] != "assistant":
        return "the last message must be the assistant's"
    return None


def schema_for(path: str | os.PathLike) -> dict:
    """The schema a file follows, known from its name (classifier / sft / pairs)."""
    name = Path(path).name.lower()
    for fragment, schema in _SCHEMAS:
        if fragment in name:
            return schema
    return _DEFAULT_SCHEMA


def validate_file(path: str | os.PathLike) -> list[DataError]:
    """Every problem in the file (not just the first), per the schema its name implies."""
    schema = schema_for(path)
    errors: list[DataError] = []
    _scan(Path(path), required=schema["required"], texts=schema["texts"], label_field="label",
          labels=schema["label"], errors=errors, stop_at_first=False)
    return errors


def write_jsonl(path: str | os.PathLike, rows: Iterable[dict]) -> Path:
    """Write rows as JSONL atomically (temp file in the same folder, then os.replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
