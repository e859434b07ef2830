"""Input errors that name the file, the place and what was expected."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A problem in an input file, reported without a traceback by the CLI (exit status 2)."""

    def __init__(self, path: str | Path, where: str, message: str) -> None:
        self.path = str(path)
        self.where = where
        self.message = message
        super().__init__(f"{self.path}: {where}: {message}" if where else f"{self.path}: {message}")


class DataError(InputError):
    """A malformed file in data/ (facts, trade, groupings, judgements, claims, ...)."""


class ScenarioError(InputError):
    """A malformed or inconsistent scenario file."""
