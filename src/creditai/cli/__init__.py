"""The `creditai` command: a thin typer front over the library.

Each stage owns one sub-module here (data, train, kb, ...); this file only wires them
together and turns user errors into one line on stderr with exit code 2.
"""

from __future__ import annotations

import importlib
import sys

import typer

from creditai.errors import CreditAIError

app = typer.Typer(
    name="creditai",
    help="Offline credit-repair AI: generate data, train, evaluate, search and serve.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# (module, attribute, name): sub-apps are registered as groups, plain functions as commands.
_GROUPS = [
    ("creditai.cli.data", "app", "data"),
    ("creditai.cli.train", "app", "train"),
    ("creditai.cli.models", "app", "models"),
    ("creditai.cli.kb", "app", "kb"),
]
_COMMANDS = [
    ("creditai.cli.classify", "classify", "classify"),
    ("creditai.cli.analyze", "analyze", "analyze"),
    ("creditai.cli.evaluate", "evaluate", "evaluate"),
    ("creditai.cli.pipeline", "pipeline", "pipeline"),
    ("creditai.cli.serve", "serve", "serve"),
]


def _register() -> None:
    for module, attr, name in _GROUPS + _COMMANDS:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a stage not built yet
            if exc.name == module:
                continue
            raise
        obj = getattr(mod, attr)
        if isinstance(obj, typer.Typer):
            app.add_typer(obj, name=name)
        else:
            app.command(name)(obj)


_register()


def main() -> None:
    """Console entry point: run the app, report user errors without a traceback."""
    try:
        # Outside standalone mode click returns the exit code of `typer.Exit` instead of raising.
        rc = app(standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except CreditAIError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if not _is_usage_error(exc):
            raise
        typer.secho(f"error: {exc.format_message()}", err=True, fg=typer.colors.RED, nl=False)  # type: ignore[attr-defined]
        typer.echo(f" (see '{_command_path(exc)} --help')", err=True)
        sys.exit(2 if getattr(exc, "exit_code", 2) in (None, 0, 1) else exc.exit_code)  # type: ignore[attr-defined]


def _is_usage_error(exc: BaseException) -> bool:
    """A mistyped command, option or value: click's exceptions, or those of the copy of click
    that typer >= 0.29 vendors (typer.TyperException), whichever this install has."""
    import click

    bases: tuple[type, ...] = (click.exceptions.ClickException,)
    if isinstance(getattr(typer, "TyperException", None), type):
        bases += (typer.TyperException,)
    return isinstance(exc, bases) and hasattr(exc, "format_message")


def _command_path(exc: BaseException) -> str:
    ctx = getattr(exc, "ctx", None)
    return getattr(ctx, "command_path", None) or "creditai"
