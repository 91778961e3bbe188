"""Entry point for ``python -m brief``."""

from brief.cli import main_entry

main_entry()
