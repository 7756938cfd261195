"""roleplay: a local-first practice gym for sales conversations."""

__version__ = "0.1.0"
