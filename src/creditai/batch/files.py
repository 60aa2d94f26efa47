"""Input files of a batch (paths, globs, fsspec URLs), read in windows, and outputs written atomically.

Written here rather than with Ray Data's `read_json`/`write_json`: a batch needs the line
number of each row (errors name file and line), windows that start at the same rows in
every engine (so both engines batch the model alike), and one output file per input.
"""

from __future__ import annotations

import glob
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, Sequence

from creditai.errors import CreditAIError, DataError

# a longer line is refused rather than read: memory stays bounded whatever the input
MAX_LINE_CHARS = 1_000_000


def _fs(url: str, storage_options: dict[str, Any] | None):
    import fsspec

    try:
        return fsspec.core.url_to_fs(url, **(storage_options or {}))
    except (ImportError, ValueError) as exc:
        raise CreditAIError(f"cannot open {url!r}: {exc}") from None


def _is_local(url: str) -> bool:
    from fsspec.utils import get_protocol

    return get_protocol(url) in ("file", "local")


def _unstrip(fs: Any, path: str, spec: str) -> str:
    """A match of a glob as the user would write it: a plain path for local files, else a URL."""
    return path if _is_local(spec) else fs.unstrip_protocol(path)


def expand_inputs(specs: Sequence[str], storage_options: dict[str, Any] | None = None) -> list[str]:
    """Each file named by `specs` (paths, globs, URLs), in the order given, globs sorted, no repeats."""
    out: list[str] = []
    for spec in specs:
        fs, path = _fs(spec, storage_options)
        if glob.has_magic(path):
            try:
                matches = sorted(m for m in fs.glob(path) if fs.isfile(m))
            except OSError as exc:
                raise CreditAIError(f"cannot list {spec}: {exc}") from None
            if not matches:
                raise CreditAIError(f"no file matches {spec}")
            found = [_unstrip(fs, m, spec) for m in matches]
        else:
            try:
                is_file = fs.isfile(path)
            except OSError as exc:
                raise CreditAIError(f"cannot open {spec}: {exc}") from None
            if not is_file:
                raise DataError(spec, None, "file not found")
            found = [spec]
        out.extend(f for f in found if f not in out)
    if not out:
        raise CreditAIError("no input files given")
    return out


def _basename(url: str) -> str:
    return PurePosixPath(url.rstrip("/").split("://", 1)[-1]).name


def output_targets(inputs: Sequence[str], output: str | None) -> list[str | None]:
    """Where each input's rows go: `output` itself for a single input (unless it is a folder),
    else `output/<input file name>`; None (stdout) for every input when there is no output."""
    if output is None:
        return [None] * len(inputs)
    folder = output.endswith("/") or (_is_local(output) and Path(output).is_dir())
    if len(inputs) == 1 and not folder:
        return [output]
    names = [_basename(u) for u in inputs]
    seen: dict[str, str] = {}
    for name, url in zip(names, inputs):
        if name in seen:
            raise CreditAIError(f"two inputs would write {name!r} in {output}: {seen[name]} and {url}")
        seen[name] = url
    base = output.rstrip("/")
    return [f"{base}/{name}" for name in names]


@dataclass
class RawWindow:
    """Up to `size` consecutive non-blank lines of one file, with their line numbers."""

    numbers: list[int]
    lines: list[str]


def read_windows(url: str, size: int, storage_options: dict[str, Any] | None = None, *,
                 allow_empty: bool = True) -> Iterator[RawWindow]:
    """The file's non-blank lines in windows of `size`; a missing file, a line over
    MAX_LINE_CHARS or (unless `allow_empty`) a file without rows raises DataError."""
    fs, path = _fs(url, storage_options)
    try:
        fh = fs.open(path, "rt", encoding="utf-8")
    except FileNotFoundError:
        raise DataError(url, None, "file not found") from None
    window = RawWindow([], [])
    seen = 0
    with fh:
        n = 0
        while True:
            try:
                raw = fh.readline(MAX_LINE_CHARS + 1)
            except UnicodeDecodeError as exc:
                raise DataError(url, n + 1, f"not UTF-8 text ({exc.reason})") from None
            if not raw:
                break
            n += 1
            if len(raw) > MAX_LINE_CHARS and not raw.endswith("\n"):
                raise DataError(url, n, f"line longer than {MAX_LINE_CHARS:,} characters")
            if not raw.strip():
                continue
            window.numbers.append(n)
            window.lines.append(raw)
            seen += 1
            if len(window.lines) >= size:
                yield window
                window = RawWindow([], [])
    if window.lines:
        yield window
    if not seen and not allow_empty:
        raise DataError(url, None, "file has no rows")


class Outputs:
    """One output per input, each written to a temporary file and put in place by `commit()`:
    a failed batch leaves no output behind. A None target is stdout (written as it goes)."""

    def __init__(self, targets: Sequence[str | None], storage_options: dict[str, Any] | None = None):
        self.targets = list(targets)
        self.storage_options = storage_options
        self._files: dict[int, tuple[str, Any]] = {}
        self.rows = [0] * len(self.targets)

    def write(self, index: int, lines: Sequence[str]) -> None:
        self.rows[index] += len(lines)
        target = self.targets[index]
        if target is None:
            sys.stdout.write("".join(lines))
            return
        if index not in self._files:
            self._files[index] = self._open(target)
        self._files[index][1].write("".join(lines))

    def _open(self, target: str) -> tuple[str, Any]:
        # local: a hidden file beside the target, so os.replace is atomic; remote: a local
        # file uploaded whole at commit (object stores have no rename)
        folder = Path(target).parent if _is_local(target) else None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{_basename(target)}.", suffix=".tmp", dir=folder)
        return tmp, os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def commit(self) -> None:
        """Put every output in place (an input without rows gets an empty output)."""
        for index, target in enumerate(self.targets):
            if target is not None and index not in self._files:
                self._files[index] = self._open(target)
        for index in sorted(self._files):
            tmp, fh = self._files[index]
            fh.close()
            target = self.targets[index]
            assert target is not None
            try:
                if _is_local(target):
                    os.replace(tmp, target)
                else:
                    fs, path = _fs(target, self.storage_options)
                    fs.put_file(tmp, path)
            except OSError as exc:
                self.abort()
                raise CreditAIError(f"cannot write {target}: {exc}") from None
            Path(tmp).unlink(missing_ok=True)
            del self._files[index]

    def abort(self) -> None:
        """Remove what was written so far."""
        for tmp, fh in self._files.values():
            fh.close()
            Path(tmp).unlink(missing_ok=True)
        self._files.clear()

    def __enter__(self) -> "Outputs":
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()
