"""`creditai analyze`: analyze one credit-report item or question, or a JSONL batch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from creditai.cli._batch import ActorsOpt, AddressOpt, EngineOpt, StorageOpt, check_engine, run_batch
from creditai.errors import CreditAIError


def analyze(
    text: Optional[str] = typer.Argument(None, help="The item or question (or use --input for a JSONL batch)."),
    question: Optional[str] = typer.Option(None, "--question", help="A question about the item."),
    json_out: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    input: Optional[list[str]] = typer.Option(None, "--input", "-i", help="JSONL batch (repeatable; paths, globs, "
                                              "URLs): one {\"text\": ...} per line, optional question and id."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write results here (JSONL for a batch; "
                                         "a folder for several inputs)."),
    engine: str = EngineOpt,
    address: Optional[str] = AddressOpt,
    actors: Optional[int] = ActorsOpt,
    storage_option: Optional[list[str]] = StorageOpt,
) -> None:
    """Assess an item's dispute eligibility and write a compliant, cited answer."""
    if not input and text is None:
        raise CreditAIError("give the text to analyze, or --input FILE.jsonl for a batch")
    if input and text is not None:
        raise CreditAIError("give either the text or --input, not both")
    check_engine(engine, address, actors, input)
    if input:
        from creditai.batch import AnalyzeJob

        result = run_batch(AnalyzeJob(question=question), input, output, engine=engine, address=address,
                           actors=actors, storage_option=storage_option)
        if output is not None:
            typer.echo(f"analyzed {result.total} rows ({result.tally['refused']} refused) -> {output}", err=True)
        return

    from creditai.assistant.pipeline import Analyzer

    res = Analyzer().analyze(text, question=question)
    body = json.dumps(res.as_dict(), indent=2, ensure_ascii=False) if json_out else res.answer
    if output is not None:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
    else:
        typer.echo(body)
