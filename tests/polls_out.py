"""``PollsOut``: a call interceptor counting activity polls out at once (the actors' tests of
how many polls a worker keeps out, sync with threads and async)."""
from __future__ import annotations

import threading
from typing import Any


class PollsOut:
    """A call interceptor keeping the most PollForActivityTask calls out at once (and those out now)."""

    def __init__(self) -> None:
        self.lock, self.out, self.most = threading.Lock(), 0, 0

    def before_call(self, operation: str, params: Any) -> bool:
        if operation != "PollForActivityTask":
            return False
        with self.lock:
            self.out += 1
            self.most = max(self.most, self.out)
        return True

    def after_call(self, outcome: Any, state: bool) -> None:
        if state:
            with self.lock:
                self.out -= 1
