"""Shared test fixtures: paths and a helper to run the real `creditai` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"

# Analyzers built without a screener read models/finetuned/guard; a checkout that has run
# `make run` has one there and a fresh clone has not. Tests see the fresh clone's rules-only
# guard unless they pass a screener (tests/test_screener.py trains its own).
os.environ.setdefault("GUARD_OUTPUT", str(REPO / "tests" / ".no-guard-model"))


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: int = 600):
    """Run `python -m creditai ARGS` as a user would; returns the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "creditai", *args],
        cwd=cwd or REPO, env=full_env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def cli():
    return run_cli
