"""``LoopSignals``: one event loop's signal handlers, shared by the async actors running on it.

``loop.add_signal_handler`` keeps one handler per signal and loop, so two actors on one loop
(a worker and a decider, say) listen through this: the first installs the handler, the last
restores the one before it.
"""
from __future__ import annotations

import asyncio
import signal
from typing import Any, Dict, List, Sequence, Tuple

__all__ = ["LoopSignals"]


class LoopSignals:
    """The signal handlers of one event loop, shared by the async actors running on it."""

    _by_loop: "Dict[asyncio.AbstractEventLoop, LoopSignals]" = {}

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.actors: Dict[int, List[Any]] = {}   # signal -> actors listening
        self.previous: Dict[int, Any] = {}       # signal -> the handler before ours

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop) -> "LoopSignals":
        found = cls._by_loop.get(loop)
        if found is None:
            found = cls._by_loop[loop] = cls(loop)
        return found

    def add(self, actor: Any, signals: Sequence[int]) -> Sequence[Tuple[int, int]]:
        installed = []
        for signum in signals:
            if signum not in self.actors:
                previous = signal.getsignal(signum)
                try:
                    self.loop.add_signal_handler(signum, self._dispatch, signum)
                except (NotImplementedError, RuntimeError, ValueError):  # not on this platform / loop
                    continue
                self.previous[signum], self.actors[signum] = previous, []
            self.actors[signum].append(actor)
            installed.append(signum)
        return tuple((signum, id(actor)) for signum in installed)

    def remove_actor(self, installed: Sequence[Tuple[int, int]]) -> None:
        for signum, actor_id in installed:
            listeners = self.actors.get(signum, [])
            listeners[:] = [actor for actor in listeners if id(actor) != actor_id]
            if not listeners:
                self.actors.pop(signum, None)
                self.loop.remove_signal_handler(signum)
                previous = self.previous.pop(signum, None)
                signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        if not self.actors:
            self._by_loop.pop(self.loop, None)

    def _dispatch(self, signum: int) -> None:
        for actor in list(self.actors.get(signum, ())):
            actor._on_signal(signum)
