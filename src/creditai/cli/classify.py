"""`creditai classify`: eligibility of one text, or of every row of a JSONL file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from creditai.errors import CreditAIError, DataError
from creditai.inference.classifier import DEFAULT_BATCH_SIZE


def _default_model_dir() -> Path:
    from creditai.paths import classifier_dir

    return classifier_dir()


def classify(
    text: Optional[str] = typer.Argument(None, help="Text of one credit-report item (or use --input)."),
    input: Optional[Path] = typer.Option(None, "--input", "-i", help="JSONL file with a 'text' field per row."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="JSONL output (default: stdout)."),
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
) -> None:
    """Classify dispute eligibility with the fine-tuned model (rules fallback when unsure or untrained)."""
    from creditai.inference.classifier import BACKENDS
    from creditai.inference.eligibility import EligibilityPredictor

    if backend not in BACKENDS:  # checked before loading: a load error would only fall back to the rules
        raise CreditAIError(f"--backend must be auto, torch or onnx (got {backend!r})")
    if (text is None) == (input is None):
        raise CreditAIError("give either a TEXT argument or --input FILE.jsonl (not both)")
    if text is not None and not text.strip():
        raise CreditAIError("the text is empty")
    rows: list[dict] = []
    if input is not None:
        rows = _read_input(input, text_field)

    predictor = EligibilityPredictor(model_dir if model_dir is not None else _default_model_dir(), threshold,
                                     backend=backend)
    if not predictor.loaded:
        why = predictor.info()["error"] or f"no trained model at {predictor.model_dir}"
        typer.echo(f"note: {why}; using the rule-based classifier", err=True)

    if text is not None:
        result = predictor.predict([text], batch_size=batch_size)[0]
        if json_out:
            typer.echo(json.dumps(result.as_dict(), sort_keys=True))
        else:
            typer.echo(f"label: {result.label}\nconfidence: {result.confidence:.3f}\nsource: {result.source}")
            if result.rules:
                typer.echo(f"rules: {', '.join(result.rules)}")
        return

    results = predictor.predict([r[text_field] for r in rows], batch_size=batch_size)
    lines = []
    for row, res in zip(rows, results):
        out = dict(row)
        if "label" in row and "gold_label" not in row:  # keep the input's own label
            out["gold_label"] = row["label"]
        out.update(label=res.label, confidence=round(res.confidence, 6),
                   probabilities={k: round(v, 6) for k, v in res.probabilities.items()}, source=res.source)
        lines.append(json.dumps(out, ensure_ascii=False))
    if output is None:
        for line in lines:
            typer.echo(line)
        return
    from creditai.data.io import write_jsonl

    write_jsonl(output, [json.loads(line) for line in lines])
    counts: dict[str, int] = {}
    for res in results:
        counts[res.source] = counts.get(res.source, 0) + 1
    summary = ", ".join(f"{n} by {s}" for s, n in sorted(counts.items()))
    typer.echo(f"classified {len(results)} rows ({summary}) -> {output}", err=json_out)


def _read_input(path: Path, text_field: str) -> list[dict]:
    """Rows with a non-empty text; any other field is kept (a 'label' is not checked)."""
    from creditai.data.io import read_jsonl

    rows = read_jsonl(path, required=(text_field,), labels=None, text_field=text_field, label_field="\0")
    if not rows:
        raise DataError(path, None, "file has no rows")
    return rows
