"""`creditai pipeline`: the whole offline job that `make run` starts."""

from __future__ import annotations

import sys
import time

import typer
from rich.console import Console
from rich.table import Table

from creditai.pipeline import Pipeline, PipelineOptions


def pipeline(
    quick: bool = typer.Option(False, "--quick", help="Small smoke run (separate folders, about a minute)."),
    force: bool = typer.Option(False, "--force", help="Rerun stages whose inputs did not change."),
    seed: int = typer.Option(42, envvar="DATASET_SEED", help="Dataset seed."),
    classifier_count: int = typer.Option(1500, envvar="CLASSIFIER_COUNT"),
    embedding_count: int = typer.Option(1000, envvar="EMBEDDING_COUNT"),
    sft_count: int = typer.Option(1000, envvar="SFT_COUNT"),
    request_count: int = typer.Option(3000, envvar="REQUEST_COUNT", help="Rows for the request screener."),
    skip: list[str] = typer.Option(None, "--skip", help="Stage to skip (repeatable): data, classifier, guard, embeddings, "
                                                         "kb-index, sft, evaluate."),
) -> None:
    """Generate data, train the classifier, request screener and embeddings, build the KB index, SFT when LLM weights exist, evaluate."""
    opts = PipelineOptions(quick=quick, force=force, seed=seed, classifier_count=classifier_count,
                           embedding_count=embedding_count, sft_count=sft_count, request_count=request_count,
                           skip=tuple(skip or ()))
    console = Console(width=None if sys.stdout.isatty() else 200)  # logs keep one line per stage
    start = time.perf_counter()
    results = Pipeline(opts, log=lambda m: console.print(m, markup=False)).run()
    table = Table(title=f"creditai pipeline{' (quick)' if quick else ''}: {time.perf_counter() - start:.0f} s")
    for col in ("stage", "status", "time (s)", "output", "key metric", "note"):
        table.add_column(col, overflow="fold")
    for r in results:
        table.add_row(r.name, r.status, f"{r.seconds:.1f}", r.output, r.metric, r.note)
    console.print(table)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)
