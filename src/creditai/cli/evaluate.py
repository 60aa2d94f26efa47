"""`creditai evaluate`: score every trained model and write the report."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from creditai import paths
from creditai.evaluate import EvalInputs, check_gates, evaluate as run_evaluation


def evaluate(
    models_dir: Path = typer.Option(None, "--models-dir", help="Trained models (default models/finetuned)."),
    out: Path = typer.Option(None, "--out", help="Report folder (default reports)."),
    data_dir: Path = typer.Option(None, "--data-dir", help="Generated data (default data/finetune)."),
    index_dir: Path = typer.Option(None, "--index-dir", help="Knowledge-base index (default indexes/kb)."),
    fail_under: Optional[list[str]] = typer.Option(None, "--fail-under", help="Gate KEY=VALUE, e.g. classifier.realistic.macro_f1=0.9"),
    no_plots: bool = typer.Option(False, "--no-plots", help="Skip the PNG plots."),
) -> None:
    """Evaluate whatever is trained; say what is missing; exit 1 when a --fail-under gate is unmet."""
    inputs = EvalInputs(models_dir=models_dir or paths.models_dir(), data_dir=data_dir or paths.data_dir(),
                        index_dir=index_dir or paths.index_dir())
    out = out or paths.reports_dir()
    report = run_evaluation(inputs, out, plots=not no_plots)
    typer.echo((out / "AI_EVALUATION_REPORT.md").read_text())
    typer.echo(f"wrote {out / 'AI_EVALUATION_REPORT.json'} and {out / 'AI_EVALUATION_REPORT.md'}")
    failures = check_gates(report, fail_under or [])
    for f in failures:
        typer.secho(f"gate failed: {f}", err=True, fg=typer.colors.RED)
    if failures:
        raise typer.Exit(1)
