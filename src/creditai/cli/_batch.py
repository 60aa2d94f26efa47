"""The batch options shared by `classify`, `analyze` and `kb search` (`--input` and friends)."""

from __future__ import annotations

from typing import Any, Optional

import typer

from creditai.errors import CreditAIError

ENGINES = ("local", "ray")

InputOpt = typer.Option(None, "--input", "-i",
                        help="JSONL input (repeatable): a path, a glob or an fsspec URL such as s3://bucket/*.jsonl.")
OutputOpt = typer.Option(None, "--output", "-o",
                         help="JSONL output (default: stdout); a folder for several inputs (one file each).")
EngineOpt = typer.Option("local", "--engine", help="local (this process) | ray (Ray Data, creditai[ray]).")
AddressOpt = typer.Option(None, "--address", help="Ray cluster to join (e.g. ray://head:10001 or auto); "
                                                  "default: a local Ray on this machine's CPUs.")
ActorsOpt = typer.Option(None, "--actors", min=1, help="Ray workers, each loading the models once "
                                                       "(default: one per CPU of the cluster).")
StorageOpt = typer.Option(None, "--storage-option", help="fsspec option key=value for s3:// and other URLs, "
                                                         "e.g. --storage-option endpoint_url=http://127.0.0.1:9000")


def check_engine(engine: str, address: Optional[str], actors: Optional[int], inputs: Optional[list[str]]) -> None:
    """The engine options make sense together (checked before any file is read)."""
    if engine not in ENGINES:
        raise CreditAIError(f"--engine must be local or ray (got {engine!r})")
    if engine == "local" and (address is not None or actors is not None):
        raise CreditAIError("--address and --actors go with --engine ray")
    if engine == "ray" and not inputs:
        raise CreditAIError("--engine ray runs a batch: give --input FILE")


def run_batch(job: Any, inputs: list[str], output: Optional[str], *, engine: str = "local",
              address: Optional[str] = None, actors: Optional[int] = None,
              storage_option: Optional[list[str]] = None) -> Any:
    """Find the inputs, run `job` on the engine, print its notes on stderr; the BatchResult."""
    from creditai.batch.files import expand_inputs, output_targets
    from creditai.config import parse_set

    options = parse_set(storage_option) if storage_option else None
    files = expand_inputs(inputs, options)
    targets = output_targets(files, output)

    def show(notes: list[str]) -> None:
        for note in notes:
            typer.echo(f"note: {note}", err=True)

    if engine == "ray":
        from creditai.batch.ray_engine import run_ray

        return run_ray(job, files, targets, options, address=address, actors=actors, on_notes=show)
    from creditai.batch.engine import run_local

    return run_local(job, files, targets, options, on_notes=show)

