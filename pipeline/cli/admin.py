"""Admin and daemon commands (watch, reprocess, stats) register here."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """No admin commands yet: `dossier batches --status failed` lists failures."""
