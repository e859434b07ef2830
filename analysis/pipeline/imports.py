"""Importing a package without an optional part that it loads if present and that a render
never uses (a render's imports are on its critical path)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without(*names: str) -> Iterator[None]:
    """Within the block, importing any of `names` raises ImportError, so a package that treats
    it as optional goes on without it; afterwards each imports as usual. A name already
    imported is left alone."""
    declined = [name for name in names if name not in sys.modules]
    for name in declined:
        sys.modules[name] = None  # type: ignore[assignment]  (the import system's "absent")
    try:
        yield
    finally:
        for name in declined:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
