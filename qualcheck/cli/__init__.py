"""The command line: click commands that parse options, call the API and print a summary.

``commands`` holds ``audit``, ``baseline write`` and ``rules``; ``index`` the ``index``
group; ``common`` the one-line errors, config loading and progress bar they share. No check,
report or index logic lives here: every command calls :mod:`qualcheck.api` or
:mod:`qualcheck.index.persistent`.

Exit codes: 0 when nothing at or above ``--fail-on`` was found (or ``--exit-zero``), 1 when
something was, 2 for a usage error or when no input could be read. Errors are one line,
``qualcheck: error: ...``, never a traceback.
"""

from qualcheck.cli.commands import main

__all__ = ["main"]
