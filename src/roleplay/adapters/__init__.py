"""Adapters: real and offline implementations of the service ports."""
