"""`creditai data ...`: generate the synthetic datasets and validate JSONL files."""

from __future__ import annotations

from pathlib import Path

import typer

from creditai.errors import CreditAIError, DataError

app = typer.Typer(help="Generate synthetic training data and validate JSONL files.", no_args_is_help=True)


@app.command()
def generate(
    out: Path = typer.Option(Path("data/finetune"), "--out", help="Folder for the JSONL files."),
    seed: int = typer.Option(42, "--seed", envvar="DATASET_SEED", help="Random seed (same seed, same bytes)."),
    classifier_count: int = typer.Option(1500, "--classifier-count", envvar="CLASSIFIER_COUNT", min=10),
    embedding_count: int = typer.Option(1000, "--embedding-count", envvar="EMBEDDING_COUNT", min=0),
    sft_count: int = typer.Option(1000, "--sft-count", envvar="SFT_COUNT", min=10),
    request_count: int = typer.Option(3000, "--request-count", envvar="REQUEST_COUNT", min=0,
                                      help="Rows for the request classifier (requests_*.jsonl); 0 writes none."),
) -> None:
    """Write classifier, SFT, embedding-pair and request-classifier datasets under OUT."""
    from creditai.data.generator import write_datasets

    written = write_datasets(out, seed=seed, classifier_count=classifier_count, embedding_count=embedding_count,
                             sft_count=sft_count, request_count=request_count, progress=True)
    for name, path in written.items():
        typer.echo(f"{name}: {path}")
    typer.echo(f"wrote {len(written)} files to {out}")


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="JSONL files; the schema follows from the name.")) -> None:
    """Check JSONL files; print each bad line as file:line: problem and exit 2 if any."""
    from creditai.data.io import validate_file

    errors: list[DataError] = []
    for path in files:
        found = validate_file(path)
        errors.extend(found)
        if not found:
            typer.echo(f"{path}: ok")
    for err in errors:
        typer.echo(str(err), err=True)
    if errors:
        bad = len({e.path for e in errors})
        raise CreditAIError(f"{len(errors)} problem(s) in {bad} file(s)")
