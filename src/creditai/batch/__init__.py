"""Batch work over JSONL files (`classify`, `analyze` and `kb search` with `--input`).

`files` finds the inputs (paths, globs, fsspec URLs such as s3://) and writes the outputs
atomically; `jobs` says what each command does to a window of rows; `engine` runs a job
in this process and `ray_engine` on a Ray cluster. Both engines cut the same windows and
run the same worker on them, so they write the same rows in the same order.
"""

from creditai.batch.engine import run_local
from creditai.batch.jobs import AnalyzeJob, ClassifyJob, Job, SearchJob

__all__ = ["AnalyzeJob", "ClassifyJob", "Job", "SearchJob", "run_local"]
