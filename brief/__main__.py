"""Entry point for ``python -m brief``."""

from brief.cli import main

raise SystemExit(main())
