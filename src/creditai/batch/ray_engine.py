"""Run a batch job on Ray Data (`--engine ray`): the same windows and worker as the local engine.

read (a task per input file, cutting the windows the local engine cuts) -> `map_batches`
over a pool of actors, each loading the models once (one CPU and one thread each) -> rows
back to this process in input order, written to one output per input. Problems come back
as rows, not as exceptions, so the user sees the file and line, not a Ray traceback.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Iterator, Sequence

from creditai.batch.engine import BatchResult
from creditai.batch.files import Outputs, read_windows
from creditai.batch.jobs import Job, encode, parse_window
from creditai.errors import CreditAIError, DataError

# A read task only streams lines: it asks for no CPU, so a pool of actors holding every
# CPU cannot starve it (with 1 CPU asked, 2 one-CPU actors on 2 CPUs left no room to read).
READ_CPUS = 0
ACTOR_CPUS = 1
WINDOW_BLOCK_BYTES = 1 << 16


def _pa() -> Any:
    import pyarrow as pa

    return pa


def _read_schema() -> Any:
    pa = _pa()
    return pa.schema([("file", pa.int64()), ("numbers", pa.list_(pa.int64())), ("lines", pa.list_(pa.large_string())),
                      ("error_path", pa.string()), ("error_line", pa.int64()), ("error", pa.string())])


def _out_schema() -> Any:
    pa = _pa()
    return pa.schema([("file", pa.int64()), ("out", pa.list_(pa.large_string())), ("tally", pa.list_(pa.string())),
                      ("notes", pa.list_(pa.string())), ("error_path", pa.string()), ("error_line", pa.int64()),
                      ("error", pa.string())])


def _error_row(file: int, exc: Exception) -> dict:
    if isinstance(exc, DataError):
        return {"file": file, "error_path": exc.path, "error_line": exc.line, "error": exc.problem}
    return {"file": file, "error_path": None, "error_line": None, "error": str(exc)}


def _table(rows: list[dict], schema: Any) -> Any:
    pa = _pa()
    return pa.Table.from_pylist([{name: r.get(name) for name in schema.names} for r in rows], schema=schema)


def _read_files(batch: Any, *, job: Job, storage_options: dict | None) -> Iterator[Any]:
    """The windows of each input file of `batch` (a pyarrow table of file index and URL)."""
    schema = _read_schema()
    for file, url in zip(batch.column("file").to_pylist(), batch.column("url").to_pylist()):
        try:
            for w in read_windows(url, job.window, storage_options, allow_empty=job.allow_empty):
                yield _table([{"file": file, "numbers": w.numbers, "lines": w.lines}], schema)
        except CreditAIError as exc:
            yield _table([_error_row(file, exc)], schema)


class _Actor:
    """One worker of the pool: loads the job's models once, then runs window after window."""

    def __init__(self, job: Job, urls: Sequence[str], threads: int = 1):
        os.environ["CREDITAI_NUM_THREADS"] = str(threads)
        import torch

        torch.set_num_threads(threads)
        self.job, self.urls = job, list(urls)
        self.worker: Any = None
        self.error: Exception | None = None
        self.notes_sent = False
        try:
            self.worker = job.worker()
        except CreditAIError as exc:  # e.g. no index: said once per window, read by the driver
            self.error = exc

    def __call__(self, batch: Any) -> Any:
        schema = _out_schema()
        out = []
        for row in batch.to_pylist():
            file = row["file"]
            if row["error"] is not None:
                out.append(row)
                continue
            if self.error is not None:
                out.append(_error_row(file, self.error))
                continue
            url = self.urls[file]
            try:
                rows = parse_window(self.job, url, row["numbers"], row["lines"])
                done = self.worker(rows, [(url, n) for n in row["numbers"]])
            except CreditAIError as exc:
                out.append(_error_row(file, exc))
                continue
            notes = [] if self.notes_sent else list(self.worker.notes)
            self.notes_sent = True
            out.append({"file": file, "out": [encode(r) for r in done], "tally": [self.job.tally(r) for r in done],
                        "notes": notes})
        return _table(out, schema)


def _connect(address: str | None) -> tuple[Any, bool]:
    """Ray, connected to `address` or to a new local cluster; whether this call started Ray."""
    try:
        import ray
    except ImportError:
        raise CreditAIError("--engine ray needs Ray: pip install 'creditai[ray]'") from None
    if ray.is_initialized():
        return ray, False
    quiet = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    try:
        if address:
            ray.init(address=address, **quiet)
        else:
            from creditai.inference.classifier import available_cpus

            ray.init(num_cpus=available_cpus(), **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
        raise CreditAIError(f"cannot start or reach {where}: {str(exc).splitlines()[0] if str(exc) else exc}") from None
    return ray, True


def run_ray(job: Job, inputs: Sequence[str], targets: Sequence[str | None],
            storage_options: dict[str, Any] | None = None, *, address: str | None = None,
            actors: int | None = None, on_notes: Callable[[list[str]], None] | None = None) -> BatchResult:
    """Run `job` over `inputs` on Ray, writing input i's rows to targets[i] (None: stdout)."""
    ray, started = _connect(address)
    try:
        import ray.data

        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # the rows of each file in input order
        context.enable_progress_bars = False
        # a window per block: Ray would pack the small windows of a read task into one block,
        # which one actor would then run alone
        context.target_max_block_size = WINDOW_BLOCK_BYTES
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        size = actors or max(1, int(ray.cluster_resources().get("CPU", 1) // ACTOR_CPUS))
        files = ray.data.from_items([{"file": i, "url": u} for i, u in enumerate(inputs)],
                                    override_num_blocks=len(inputs))
        windows = files.map_batches(_read_files, batch_size=1, batch_format="pyarrow", num_cpus=READ_CPUS,
                                    fn_kwargs={"job": job, "storage_options": storage_options})
        results = windows.map_batches(_Actor, batch_size=1, batch_format="pyarrow", num_cpus=ACTOR_CPUS,
                                      compute=ray.data.ActorPoolStrategy(size=size),
                                      fn_constructor_kwargs={"job": job, "urls": list(inputs)})
        result = BatchResult(list(targets), [])
        with Outputs(targets, storage_options) as outputs:
            for batch in results.iter_batches(batch_format="pyarrow", batch_size=None):
                for row in batch.to_pylist():
                    if row["error"] is not None:
                        if row["error_path"] is not None:
                            raise DataError(row["error_path"], row["error_line"], row["error"])
                        raise CreditAIError(row["error"])
                    fresh = [n for n in row["notes"] or [] if n not in result.notes]
                    if fresh:
                        result.notes.extend(fresh)
                        if on_notes is not None:
                            on_notes(fresh)
                    result.tally.update(row["tally"])
                    outputs.write(row["file"], row["out"])
        result.rows = outputs.rows
        return result
    finally:
        if started:
            ray.shutdown()
