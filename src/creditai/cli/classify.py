"""`creditai classify`: eligibility of one text, or of every row of a JSONL file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from creditai.cli._batch import (ActorsOpt, AddressOpt, EngineOpt, InputOpt, OutputOpt, StorageOpt, check_engine,
                                 run_batch)
from creditai.errors import CreditAIError
from creditai.inference.classifier import DEFAULT_BATCH_SIZE


def _default_model_dir() -> Path:
    from creditai.paths import classifier_dir

    return classifier_dir()


def classify(
    text: Optional[str] = typer.Argument(None, help="Text of one credit-report item (or use --input)."),
    input: Optional[list[str]] = InputOpt,
    output: Optional[str] = OutputOpt,
    model_dir: Optional[Path] = typer.Option(
        None, "--model-dir", help="Trained classifier (default: $CLASSIFIER_OUTPUT or models/finetuned/classifier)."
    ),
    threshold: float = typer.Option(0.7, "--threshold", min=0.0, max=1.0,
                                    help="Below this model confidence the rule-based classifier decides."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
    text_field: str = typer.Option("text", "--text-field", help="Field holding the text in --input rows."),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1),
    backend: str = typer.Option("auto", "--backend",
                                help="Model runtime: auto (what the trainer verified: ONNX int8 when it kept "
                                     "macro-F1) | torch | onnx (ONNX Runtime, needs creditai[onnx])."),
    engine: str = EngineOpt,
    address: Optional[str] = AddressOpt,
    actors: Optional[int] = ActorsOpt,
    storage_option: Optional[list[str]] = StorageOpt,
) -> None:
    """Classify dispute eligibility with the fine-tuned model (rules fallback when unsure or untrained)."""
    from creditai.inference.classifier import BACKENDS

    if backend not in BACKENDS:  # checked before loading: a load error would only fall back to the rules
        raise CreditAIError(f"--backend must be auto, torch or onnx (got {backend!r})")
    if (text is None) == (not input):
        raise CreditAIError("give either a TEXT argument or --input FILE.jsonl (not both)")
    if text is not None and not text.strip():
        raise CreditAIError("the text is empty")
    check_engine(engine, address, actors, input)
    model = str(model_dir if model_dir is not None else _default_model_dir())

    if input:
        from creditai.batch import ClassifyJob

        job = ClassifyJob(model_dir=model, threshold=threshold, backend=backend, text_field=text_field,
                          batch_size=batch_size)
        result = run_batch(job, input, output, engine=engine, address=address, actors=actors,
                           storage_option=storage_option)
        if output is not None:
            summary = ", ".join(f"{n} {key}" for key, n in sorted(result.tally.items()))
            typer.echo(f"classified {result.total} rows ({summary}) -> {output}", err=True)
        return

    from creditai.inference.eligibility import EligibilityPredictor

    predictor = EligibilityPredictor(model, threshold, backend=backend)
    if not predictor.loaded:
        why = predictor.info()["error"] or f"no trained model at {predictor.model_dir}"
        typer.echo(f"note: {why}; using the rule-based classifier", err=True)
    result = predictor.predict([text], batch_size=batch_size)[0]
    if json_out:
        typer.echo(json.dumps(result.as_dict(), sort_keys=True))
    else:
        typer.echo(f"label: {result.label}\nconfidence: {result.confidence:.3f}\nsource: {result.source}")
        if result.rules:
            typer.echo(f"rules: {', '.join(result.rules)}")
