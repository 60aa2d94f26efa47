"""User-facing errors: the CLI prints them as one line and exits with code 2 (no traceback)."""

from __future__ import annotations


class CreditAIError(Exception):
    """A mistake the user can fix (bad config, bad data, missing model)."""

    exit_code = 2


class ConfigError(CreditAIError):
    """A config file is invalid: the message names the file and the key."""


class DataError(CreditAIError):
    """A data file is invalid: the message names the file and the line."""

    def __init__(self, path: object, line: int | None, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}")


class ModelNotFoundError(CreditAIError):
    """A model id could not be resolved offline."""
