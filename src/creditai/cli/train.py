"""`creditai train classifier|embeddings|sft`: load a config, resolve the base model, train."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Optional

import typer
import yaml

from creditai.basemodels import resolve_model
from creditai.config import load_config, parse_set
from creditai.errors import ModelNotFoundError

app = typer.Typer(help="Train a model from a YAML config (--config PATH or $CONFIG).", no_args_is_help=True)

ConfigOpt = typer.Option(None, "--config", "-c", envvar="CONFIG", help="YAML config (default: the seed config of this model).")
SetOpt = typer.Option(None, "--set", help="Override a config key: --set epochs=1 (repeatable).")
DryOpt = typer.Option(False, "--dry-run", help="Print the resolved config and base-model path, then exit.")

# kind -> (module, function): the library call each command wraps.
TRAINERS = {
    "classifier": ("creditai.train.classifier", "train_classifier"),
    "embeddings": ("creditai.train.embeddings", "train_embeddings"),
    "sft": ("creditai.train.sft", "train_sft"),
}


def _run(kind: str, config: Optional[Path], sets: Optional[list[str]], dry_run: bool, **kwargs) -> None:
    cfg = load_config(kind, config, parse_set(sets), check_files=not dry_run)
    try:
        base = resolve_model(cfg.model_id)
    except ModelNotFoundError as exc:
        if kind != "sft":
            raise
        raise ModelNotFoundError(
            f"{exc} No LLM weights ship with creditai: on a connected machine run "
            "`huggingface-cli download Qwen/Qwen2.5-0.5B-Instruct --local-dir ~/models/qwen2.5-0.5b`, "
            "copy the folder here and set QWEN_MODEL_ID=~/models/qwen2.5-0.5b."
        ) from None
    if dry_run:
        shown = cfg.model_dump(mode="json", exclude={"train_file", "valid_file", "test_file"})
        typer.echo(yaml.safe_dump(shown, sort_keys=False).rstrip())
        typer.echo(f"base_model: {base.model_id}\nbase_model_path: {base.path}\nbase_model_source: {base.source}")
        missing = [str(f) for files in cfg.data_files().values() for f in files if not Path(f).is_file()]
        if missing:
            typer.echo(f"data files not found yet (run `creditai data generate`): {', '.join(missing)}")
        return
    module, func = TRAINERS[kind]
    train = getattr(importlib.import_module(module), func)
    out = train(cfg, base_model=base, **kwargs)
    typer.echo(f"saved {kind} model to {out}")


@app.command()
def classifier(config: Optional[Path] = ConfigOpt, set_: Optional[list[str]] = SetOpt, dry_run: bool = DryOpt) -> None:
    """Fine-tune the dispute-eligibility classifier."""
    _run("classifier", config, set_, dry_run)


@app.command()
def embeddings(config: Optional[Path] = ConfigOpt, set_: Optional[list[str]] = SetOpt, dry_run: bool = DryOpt) -> None:
    """Fine-tune the retrieval embeddings."""
    _run("embeddings", config, set_, dry_run)


@app.command()
def sft(
    config: Optional[Path] = ConfigOpt,
    set_: Optional[list[str]] = SetOpt,
    dry_run: bool = DryOpt,
    merge: bool = typer.Option(False, "--merge", help="Also write merged full weights."),
) -> None:
    """LoRA SFT of the assistant LLM."""
    if dry_run:
        _run("sft", config, set_, dry_run)
    else:
        _run("sft", config, set_, dry_run, merge=merge)
