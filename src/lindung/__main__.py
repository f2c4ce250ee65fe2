"""``python -m lindung``: the same as the ``lindung`` command."""

from lindung.cli import main

main()
