"""Run a batch job over its input files in this process (the local engine).

Every file is checked in full before a model is loaded, so a bad line costs no model load;
then each window goes through one worker and its rows are written in input order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from creditai.batch.files import Outputs, read_windows
from creditai.batch.jobs import Job, encode, parse_window


@dataclass
class BatchResult:
    """What a batch wrote: rows per output, a tally of the job's summary key, notes to show."""

    targets: list[str | None]
    rows: list[int]
    tally: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows)


def check_inputs(job: Job, inputs: Sequence[str], storage_options: dict[str, Any] | None = None) -> None:
    """Raise DataError(file, line, problem) at the first invalid row of any input."""
    for url in inputs:
        for window in read_windows(url, job.window, storage_options, allow_empty=job.allow_empty):
            parse_window(job, url, window.numbers, window.lines)


def run_local(job: Job, inputs: Sequence[str], targets: Sequence[str | None],
              storage_options: dict[str, Any] | None = None,
              on_notes: Callable[[list[str]], None] | None = None) -> BatchResult:
    """Check, then run `job` over `inputs`, writing input i's rows to targets[i] (None: stdout)."""
    check_inputs(job, inputs, storage_options)
    worker = job.worker()
    if on_notes is not None and worker.notes:
        on_notes(worker.notes)
    result = BatchResult(list(targets), [], notes=list(worker.notes))
    with Outputs(targets, storage_options) as outputs:
        for index, url in enumerate(inputs):
            for window in read_windows(url, job.window, storage_options, allow_empty=job.allow_empty):
                rows = parse_window(job, url, window.numbers, window.lines)
                out = worker(rows, [(url, n) for n in window.numbers])
                result.tally.update(job.tally(r) for r in out)
                outputs.write(index, [encode(r) for r in out])
    result.rows = outputs.rows
    return result
