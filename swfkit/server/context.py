"""What every handler needs: the store, the clock, wake-ups to send after commit, settings."""
from __future__ import annotations

import itertools
import threading
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from swfkit.server.clock import SystemClock
from swfkit.server.store import Store

#: Executions kept loaded between calls; past this many, the oldest loaded quarter is dropped after
#: a commit (not the whole map: the executions loaded last are the likeliest to be called again).
IDENTITY_MAP_SIZE = 4096

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
        self._wake: Dict[QueueKey, int] = {}
        self._timers_changed = False
        #: The due time the scheduler thread sleeps until (it sets this; -inf: not sleeping).
        self.next_due = float("-inf")
        #: The scheduler thread waits on this; woken when a timeout is added or the clock moves.
        self.scheduler_wakeup = threading.Condition(store.lock)
        #: Lambda invocations to run after the current transaction commits.
        self.after_commit: List[Callable[[], None]] = []
        #: Loaded executions by row id (see ``Execution._loaded``); emptied by every rollback.
        self.executions: Dict[int, Any] = {}
        #: Domains seen to exist (SWF never deletes a domain, so this only grows).
        self.known_domains: Set[str] = set()
        self._frozen: Optional[Tuple[int, float]] = None
        #: Per request thread: ``alive``, a callable telling whether the caller is still connected
        #: (set by the HTTP front; absent when a call does not come over HTTP).
        self.local = threading.local()
        #: How often a waiting long poll checks that its caller is still connected (seconds).
        self.liveness_interval = 10.0

    def caller_alive(self) -> bool:
        """Whether the client of the current call is still there to receive an answer."""
        alive = getattr(self.local, "alive", None)
        return alive is None or bool(alive())

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
        """Note that ``key`` got a task: one of its pollers is woken when the transaction commits.

        One per task is enough: a woken poller checks for tasks under the lock before it waits
        again, so a task is never left behind while a poller sleeps.
        """
        self._wake[key] = self._wake.get(key, 0) + 1

    def timers_changed(self, due: float) -> None:
        """Note a timeout due at ``due``: if it is earlier than what the scheduler waits for, the
        scheduler re-reads its next due time after commit."""
        if due < self.next_due:
            self._timers_changed = True

    def transaction(self) -> "Transaction":
        """One API call's transaction (``with ctx.transaction():``); nested uses join the outer one.

        Wake-ups and after-commit jobs go out only once the outermost transaction commits.
        """
        return Transaction(self)

    def _committed(self) -> List[Callable[[], None]]:
        """Send the wake-ups of a committed transaction; return its after-commit jobs."""
        self._frozen = None
        for key, count in self._wake.items():
            cond = self._conditions.get(key)
            if cond is not None:
                cond.notify(count)
        self._wake.clear()
        if self._timers_changed:
            self._timers_changed = False
            self.scheduler_wakeup.notify_all()
        if len(self.executions) > IDENTITY_MAP_SIZE:
            # between calls, so no call holds two objects for one row; dicts keep insertion order
            excess = len(self.executions) - IDENTITY_MAP_SIZE * 3 // 4
            for row_id in list(itertools.islice(self.executions, excess)):
                del self.executions[row_id]
        jobs, self.after_commit[:] = list(self.after_commit), []
        return jobs

    def _rolled_back(self) -> None:
        self._frozen = None
        self.executions.clear()  # objects may hold changes that were just undone
        self._wake.clear()
        self._timers_changed = False
        self.after_commit.clear()

    def wake_everyone(self) -> None:
        """Wake every waiting poller and the scheduler (used when stopping)."""
        with self.store.lock:
            for cond in self._conditions.values():
                cond.notify_all()
            self.scheduler_wakeup.notify_all()


class Transaction:
    """The context manager behind :meth:`Context.transaction` (a class: this is the hot path)."""

    __slots__ = ("ctx", "outer")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.outer = False

    def __enter__(self) -> Any:
        ctx = self.ctx
        store = ctx.store
        store.lock.acquire()
        self.outer = not store._depth
        if self.outer:
            ctx._frozen = (threading.get_ident(), round(ctx.clock.now(), 3))
            try:
                store.db.execute("BEGIN IMMEDIATE")
            except BaseException:
                ctx._frozen = None
                store.lock.release()
                raise
        store._depth += 1
        return store.db

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        ctx = self.ctx
        store = ctx.store
        jobs: List[Callable[[], None]] = []
        try:
            store._depth -= 1
            if self.outer:
                if exc_type is None:
                    store.db.execute("COMMIT")
                    jobs = ctx._committed()
                else:
                    store.db.execute("ROLLBACK")
                    ctx._rolled_back()
        finally:
            store.lock.release()
        for job in jobs:
            job()
