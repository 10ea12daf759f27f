"""What every handler needs: the store, the clock, wake-ups to send after commit, settings."""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Dict, Iterator, Optional, Set, Tuple

from swfkit.server.clock import SystemClock
from swfkit.server.store import Store

#: (domain, "decision" | "activity", task list name)
QueueKey = Tuple[str, str, str]


class Context:
    """Shared server state handed to every handler module.

    Attributes:
        store: the SQLite store (its lock guards everything).
        clock: where time comes from (``now()`` epoch seconds).
        poll_timeout: how long an empty long poll waits, in seconds.
        lambdas: name -> Python callable run for ScheduleLambdaFunction (None: Lambda unavailable).
    """

    def __init__(self, store: Store, clock: Any = None, poll_timeout: float = 60.0,
                 lambdas: Optional[Dict[str, Callable[..., Any]]] = None,
                 region: str = "us-east-1", account: str = "123456789012") -> None:
        self.store = store
        self.clock = clock or SystemClock()
        self.poll_timeout = poll_timeout
        self.lambdas = lambdas
        self.region = region
        self.account = account
        self.stopping = False
        self._conditions: Dict[QueueKey, threading.Condition] = {}
        self.pollers: Dict[QueueKey, int] = {}
        self._wake: Set[QueueKey] = set()
        self._timers_changed = False
        #: The due time the scheduler thread sleeps until (it sets this; -inf: not sleeping).
        self.next_due = float("-inf")
        #: The scheduler thread waits on this; woken when a timeout is added or the clock moves.
        self.scheduler_wakeup = threading.Condition(store.lock)
        #: Lambda invocations to run after the current transaction commits.
        self.after_commit: list = []
        self._frozen: Optional[Tuple[int, float]] = None

    def now(self) -> float:
        """The current time, rounded to milliseconds as SWF reports it.

        Inside a transaction it is the time the call began, so every event and timestamp one call
        records carries the same instant.
        """
        frozen = self._frozen
        if frozen is not None and frozen[0] == threading.get_ident():
            return frozen[1]
        return round(self.clock.now(), 3)

    def condition(self, key: QueueKey) -> threading.Condition:
        """The condition pollers of ``key`` wait on (built on the store lock)."""
        cond = self._conditions.get(key)
        if cond is None:
            cond = self._conditions[key] = threading.Condition(self.store.lock)
        return cond

    def wake(self, key: QueueKey) -> None:
        """Note that ``key`` got a task: its pollers are woken when the transaction commits."""
        self._wake.add(key)

    def timers_changed(self, due: float) -> None:
        """Note a timeout due at ``due``: if it is earlier than what the scheduler waits for, the
        scheduler re-reads its next due time after commit."""
        if due < self.next_due:
            self._timers_changed = True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One API call's transaction; wake-ups go out only after it commits."""
        with self.store.lock:
            outer = not self.store._depth
            if outer:
                self._frozen = (threading.get_ident(), round(self.clock.now(), 3))
            try:
                with self.store.transaction() as db:
                    yield db
            except BaseException:
                if outer:
                    self._frozen = None
                    self._wake.clear()
                    self._timers_changed = False
                    self.after_commit.clear()
                raise
            if outer:
                self._frozen = None
                for key in self._wake:
                    cond = self._conditions.get(key)
                    if cond is not None:
                        cond.notify_all()
                self._wake.clear()
                if self._timers_changed:
                    self._timers_changed = False
                    self.scheduler_wakeup.notify_all()
                jobs, self.after_commit[:] = list(self.after_commit), []
        if outer:
            for job in jobs:
                job()

    def wake_everyone(self) -> None:
        """Wake every waiting poller and the scheduler (used when stopping)."""
        with self.store.lock:
            for cond in self._conditions.values():
                cond.notify_all()
            self.scheduler_wakeup.notify_all()
