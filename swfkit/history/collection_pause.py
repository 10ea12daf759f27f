"""``collection_paused``: pause the cyclic garbage collector around a burst of allocation.

Folding a long history (and replaying a workflow on it) allocates many small, long-lived records
next to a large live heap; each full collection rescans that heap, so with the collector on the
cost per event grows with the history. Reference counting still frees everything as usual; the
collector resumes (if it was on) when the block ends. Nothing here changes a result.
"""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator

__all__ = ["collection_paused"]


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """While inside, the cyclic garbage collector does not run (it is restored on the way out)."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
