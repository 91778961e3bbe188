"""brief: turns a folder of saved news dispatches into a static briefing site."""

__version__ = "0.1.0"
