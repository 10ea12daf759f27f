"""``polling``: run actors' polling loops in threads of this process for the length of a block.

What tests, examples, ``flows`` and embedding code need when decider and workers live beside the
code that starts the executions: each actor's ``run()`` in a daemon thread, and on the way out
``stop()`` for every actor (on a loopback endpoint that abandons the waiting poll at once, elsewhere
the poll ends within its long-poll time) and a bounded join.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator

__all__ = ["polling"]


@contextlib.contextmanager
def polling(*actors: Any, join_timeout: float = 90.0, name: str = "") -> Iterator[None]:
    """While inside, each actor polls in a thread of its own; they are stopped and joined at the end.

    Args:
        actors: ``Decider``/``Worker`` instances (anything with ``run()`` and ``stop()``); give each
            its own client, since a waiting long poll holds the client's connection.
        join_timeout: seconds to wait for each thread after ``stop()`` (a remote long poll may
            take up to 70 s to return).
        name: prefix of the threads' names (default: the actors' class names).
    """
    threads = [threading.Thread(target=actor.run, daemon=True, name="%s%s" % (name, type(actor).__name__))
               for actor in actors]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        for actor in actors:
            actor.stop()
        for thread in threads:
            thread.join(join_timeout)
