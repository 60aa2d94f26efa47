"""Every kind of command-line mistake is one line naming it, the --help hint, and exit code 2,
on the installed typer (0.29+ raises the exceptions of its own vendored copy of click)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CASES = [
    (["trian"], "No such command 'trian'"),                                   # mistyped command
    (["kb", "serch", "x"], "No such command 'serch'"),                        # mistyped sub-command
    (["classify", "--model", "x", "text"], "No such option: --model"),        # mistyped option
    (["train", "classifier", "--set"], "requires an argument"),               # option without its value
    (["data", "generate", "--seed", "abc"], "Invalid value for '--seed'"),    # wrong type
    (["classify", "a", "b"], "unexpected extra argument"),                   # extra argument
]


@pytest.mark.parametrize("argv,needle", CASES)
def test_usage_errors_are_one_line_and_exit_2(argv: list[str], needle: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "creditai", *argv], capture_output=True, text=True, timeout=120)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1, proc.stderr
    assert needle.lower() in lines[0].lower() and "--help" in lines[0], lines[0]
    assert "Traceback" not in proc.stderr
