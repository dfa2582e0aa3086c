"""Rendering helpers shared by the command modules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


class Progress:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool = True, unit: str = "batch") -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.unit = unit
        self._bar = None

    def __enter__(self) -> Progress:
        return self

    def update(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=self.unit, file=sys.stderr, leave=False)
        self._bar.total = total
        self._bar.n = done
        self._bar.set_postfix_str(Path(label).name[:40] if label else "")
        self._bar.refresh()

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
