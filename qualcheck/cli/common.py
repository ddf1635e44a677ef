"""What every command shares: one-line errors, the config file, the progress bar.

Errors are one line, ``qualcheck: error: ...``, exit 2, never a traceback or a usage block.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from qualcheck.config import Config

__all__ = ["FAIL_ON", "OneLineErrors", "Progress", "fail", "load_config"]

FAIL_ON = ["error", "warning", "info", "never"]


def fail(message: str) -> NoReturn:
    click.echo(f"qualcheck: error: {message}", err=True)
    sys.exit(2)


class OneLineErrors(click.Group):
    """A group whose usage errors are one line on stderr and exit 2, never a usage block."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            fail(exc.format_message())
        except click.Abort:
            click.echo("qualcheck: aborted", err=True)
            sys.exit(130)



def load_config(config_path: Path | None) -> Config:
    path = config_path or Config.discover(Path.cwd())
    return Config.from_file(path) if path else Config()


class Progress:
    """A progress bar on stderr for long runs, only on a terminal and never in CI logs or pipes.

    ``with Progress(enabled, label, minimum) as progress`` gives ``progress(done, total)``, or
    None when no bar can be shown; the bar appears once ``total`` reaches ``minimum`` (a short
    run needs none; an unknown total never draws one).
    """

    def __init__(self, enabled: bool, label: str = "checking", minimum: int = 50) -> None:
        self.enabled = enabled and sys.stderr.isatty() and not os.environ.get("CI")
        self.label = label
        self.minimum = minimum
        self._bar: Any = None

    def __enter__(self) -> Callable[[int, int | None], None] | None:
        return self.update if self.enabled else None

    def update(self, done: int, total: int | None) -> None:
        if self._bar is None and total is not None and total >= self.minimum:
            self._bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                          color=False if "NO_COLOR" in os.environ else None)
            self._bar.__enter__()
        if self._bar is not None:
            self._bar.update(done - self._bar.pos)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
