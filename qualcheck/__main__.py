"""``python -m qualcheck``: the same as the ``qualcheck`` command."""

from qualcheck.cli import main

main()
