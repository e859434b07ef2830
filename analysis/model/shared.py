"""Results shared by the pages of one render.

Several pages of a render compute the same thing: every scenario brief estimates its findings,
and the comparison page estimates every scenario's findings again. When the render driver
names a folder in `ANALYSIS_SHARED_RESULTS` (a fresh one per render, removed afterwards), a
kernel that computes such a result leaves it there and a kernel that needs it later reads it
back. Keys hash everything the result depends on, so a result is only ever reused for the
same inputs; without the variable (interactive work, tests) everything is computed as usual.
Within one kernel, `kept` also keeps values that are cheaper to keep than to pickle (the World).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

#: The environment variable naming the render's shared folder.
FOLDER = "ANALYSIS_SHARED_RESULTS"

T = TypeVar("T")

#: At most this many values are kept in a kernel (all are dropped when it fills up).
KEPT_MAX = 4
_kept: dict[str, object] = {}


def key(*parts: str) -> str:
    """A key over the parts (each hashed first, so no two sequences collide)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part.encode("utf-8")).digest())
    return digest.hexdigest()


def shared(name: str, compute: Callable[[], T]) -> T:
    """The result stored under `name` in the render's shared folder, else `compute()`, stored
    there for the pages after this one. Without a shared folder, just `compute()`."""
    if not rendering():
        return compute()
    path = Path(os.environ[FOLDER]) / f"{name}.pickle"
    try:
        return pickle.loads(path.read_bytes())  # written by this render's own kernels
    except (OSError, EOFError, pickle.UnpicklingError):
        pass
    value = compute()
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)  # whole or absent, for a kernel reading it meanwhile
    except OSError:
        partial.unlink(missing_ok=True)
    return value


def rendering() -> bool:
    """Whether this process is a kernel of a render (the driver named a shared folder)."""
    return bool(os.environ.get(FOLDER))


def kept(name: str, compute: Callable[[], T]) -> T:
    """The value this kernel computed under `name` for an earlier page of the render, else
    `compute()`, kept for the pages after. Outside a render, just `compute()`. Only for values
    no page changes, under a key over everything they depend on."""
    if not rendering():
        return compute()
    if name not in _kept:
        if len(_kept) >= KEPT_MAX:
            _kept.clear()
        _kept[name] = compute()
    return _kept[name]  # type: ignore[return-value]
