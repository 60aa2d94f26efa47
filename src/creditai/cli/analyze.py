"""`creditai analyze`: analyze one credit-report item or question, or a JSONL batch."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from creditai.data.io import iter_jsonl
from creditai.errors import CreditAIError, DataError


def _read_batch(path: Path) -> list[tuple[int, dict]]:
    """Rows of a JSONL file (each needs a non-empty string `text`); the first bad line raises DataError."""
    rows: list[tuple[int, dict]] = []
    for n, row in iter_jsonl(path):
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            raise DataError(path, n, "missing or empty field 'text'")
        q = row.get("question")
        if q is not None and not isinstance(q, str):
            raise DataError(path, n, "field 'question' must be a string")
        rows.append((n, row))
    if not rows:
        raise DataError(path, None, "file has no rows")
    return rows


def analyze(
    text: Optional[str] = typer.Argument(None, help="The item or question (or use --input for a JSONL batch)."),
    question: Optional[str] = typer.Option(None, "--question", help="A question about the item."),
    json_out: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    input: Optional[Path] = typer.Option(None, "--input", help="JSONL batch: one {\"text\": ...} per line."),
    output: Optional[Path] = typer.Option(None, "--output", help="Write results here (JSONL for a batch)."),
) -> None:
    """Assess an item's dispute eligibility and write a compliant, cited answer."""
    from creditai.assistant.pipeline import Analyzer, InputError

    if input is None and text is None:
        raise CreditAIError("give the text to analyze, or --input FILE.jsonl for a batch")
    if input is not None and text is not None:
        raise CreditAIError("give either the text or --input, not both")
    if input is not None:
        rows = _read_batch(input)  # validate the whole file before loading any model
        analyzer = Analyzer()
        results = []
        for n, row in rows:
            try:
                res = analyzer.analyze(row["text"], question=row.get("question") or question,
                                       request_id=str(row["id"]) if row.get("id") is not None else None)
            except InputError as exc:
                raise DataError(input, n, str(exc)) from None
            results.append(res.as_dict())
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
        if output is not None:
            from creditai.data.io import write_jsonl

            write_jsonl(output, results)
            refused = sum(r["refused"] for r in results)
            typer.echo(f"analyzed {len(results)} rows ({refused} refused) -> {output}", err=True)
        else:
            sys.stdout.write(lines)
        return

    res = Analyzer().analyze(text, question=question)
    body = json.dumps(res.as_dict(), indent=2, ensure_ascii=False) if json_out else res.answer
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(body + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
    else:
        typer.echo(body)
