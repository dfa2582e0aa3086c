"""Review commands (review, relabel, set-field, train) register here."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """No review commands yet."""
