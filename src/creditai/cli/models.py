"""`creditai models list|push|pull`: what is available offline, and copies to object storage."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from creditai import paths
from creditai.basemodels import bundled_models, cached_models, dir_size
from creditai.train.common import read_metadata

app = typer.Typer(help="List, push and pull models.", no_args_is_help=True)



def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


@app.command("list")
def list_models(models_dir: Path = typer.Option(None, help="Where trained models live (default $CREDITAI_MODELS_DIR or models/finetuned).")) -> None:
    """Print the base models available offline and the trained models that exist."""
    models_dir = models_dir or paths.models_dir()
    console = Console()
    base = Table(title="Base models available offline")
    for col in ("id", "source", "path", "size"):
        base.add_column(col)
    for mid, path in sorted(bundled_models().items()):
        base.add_row(mid, "bundled", str(path), _mb(dir_size(path)))
    for mid, path, size in cached_models():
        base.add_row(mid, "hf-cache", str(path), _mb(size))
    console.print(base)
    trained = Table(title=f"Trained models in {models_dir}")
    for col in ("name", "kind", "base model", "created", "path", "size"):
        trained.add_column(col)
    found = 0
    if models_dir.is_dir():
        for d in sorted(p for p in models_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            meta = read_metadata(d) or {}
            trained.add_row(d.name, str(meta.get("kind", "?")), str(meta.get("base_model", "?")),
                            str(meta.get("created_at", "?")), str(d), _mb(dir_size(d)))
            found += 1
    console.print(trained if found else f"No trained models in {models_dir} yet (run `make run` or `creditai pipeline`).")


def _options(items: list[str] | None) -> dict:
    from creditai.config import parse_set

    return parse_set(items)


StorageOpt = typer.Option(None, "--storage-option", "-o",
                          help="fsspec storage option key=value, e.g. -o endpoint_url=http://127.0.0.1:9000")


@app.command()
def push(
    url: str = typer.Argument(..., help="Destination: s3://bucket/prefix, gs://..., file:///dir or a folder."),
    models_dir: Path = typer.Option(None, help="Where trained models live (default $CREDITAI_MODELS_DIR or models/finetuned)."),
    name: list[str] = typer.Option(None, "--name", help="Only these models (repeatable)."),
    storage_option: list[str] = StorageOpt,
) -> None:
    """Copy trained models with their metadata and a checksum manifest to URL."""
    from creditai.storage import push as push_models

    models_dir = models_dir or paths.models_dir()
    for t in push_models(models_dir, url, name or None, _options(storage_option)):
        typer.echo(f"pushed {t.name}: {t.files} files, {_mb(t.bytes)} -> {t.destination}")


@app.command()
def pull(
    url: str = typer.Argument(..., help="Source: s3://bucket/prefix, gs://..., file:///dir or a folder."),
    models_dir: Path = typer.Option(None, help="Where to install the models (default $CREDITAI_MODELS_DIR or models/finetuned)."),
    name: list[str] = typer.Option(None, "--name", help="Only these models (repeatable)."),
    storage_option: list[str] = StorageOpt,
) -> None:
    """Copy models from URL, verifying checksums; a failed copy leaves nothing half-written."""
    from creditai.storage import pull as pull_models

    models_dir = models_dir or paths.models_dir()
    for t in pull_models(url, models_dir, name or None, _options(storage_option)):
        typer.echo(f"pulled {t.name}: {t.files} files, {_mb(t.bytes)} -> {t.destination}")
