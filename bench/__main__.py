"""python -m bench: brief against Hugo and Pelican on the same corpus (see bench/run.py)."""

from bench.run import main

raise SystemExit(main())
