"""Values a replayed workflow must see the same way every time: patches, side effects, time, randomness.

- ``patched(change_id)``: True where the code reaches that point under the new code (a marker
  ``swfkit-patch`` with the change id is recorded the first time), False where the history shows
  the point was already passed without it (an execution recorded by the old code). "Already
  passed" is read from the replay position: code running at a decision older than the current
  one is being replayed, and that older decision would have recorded the marker had it run the
  new code.
- ``side_effect(fn)``: calls ``fn`` once, records its serialized result in a ``swfkit-side-effect``
  marker, and returns the recorded value on every later replay (the n-th call reads the n-th marker).
- ``now()``: the time of the DecisionTaskStarted event of the decision at the replay position (the
  decision in which the code first got where it is): the same on every replay.
- ``random()``: a ``random.Random`` seeded from the workflow and run ids.
"""
from __future__ import annotations

import hashlib
import random as random_module
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Optional, Set

from swfkit.decisions import record_marker
from swfkit.exceptions import ValidationError
from swfkit.futures.serializers import decode_value, encode_value
from swfkit.spec.limits import MAX_DATA_LENGTH

__all__ = ["RecordedValues", "PATCH_MARKER", "SIDE_EFFECT_MARKER"]

PATCH_MARKER = "swfkit-patch"
SIDE_EFFECT_MARKER = "swfkit-side-effect"


class RecordedValues:
    """The per-replay bookkeeping behind ``patched``, ``side_effect``, ``now`` and ``random``.

    Args:
        ctx: the ``ReplayContext`` (state, buffer, position, serializer, event times).
    """

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.patches: Dict[str, bool] = {}
        self.side_effects = 0
        self._random: Optional[random_module.Random] = None
        self._recorded: Optional[Set[Optional[str]]] = None

    def _replaying(self) -> bool:
        """Whether the code runs at a decision older than the current one (a point already passed)."""
        return bool(self.ctx.position < self.ctx.current)

    def _patch_recorded(self, change_id: str) -> bool:
        if self._recorded is None:
            self._recorded = {m.details for m in self.ctx.state.markers.get(PATCH_MARKER, ())}
        return change_id in self._recorded

    @staticmethod
    def _check_id(where: str, change_id: Any) -> None:
        if not isinstance(change_id, str) or not change_id or len(change_id) > MAX_DATA_LENGTH:
            raise ValidationError(where, "change_id", "must be a non-empty str, got %r" % (change_id,))

    def patched(self, change_id: str) -> bool:
        """True under the new code path, False for executions that passed here before it existed."""
        known = self.patches.get(change_id)
        if known is not None:
            return known
        self._check_id("patched", change_id)
        self.ctx.check_usable("patched")
        if self._patch_recorded(change_id):
            value = True
        elif self._replaying():
            value = False
        else:
            self.ctx.buffer.add(record_marker(PATCH_MARKER, details=change_id))
            value = True
        self.patches[change_id] = value
        return value

    def deprecate_patch(self, change_id: str) -> None:
        """The clean-up step once no execution takes the old path: records the marker like
        ``patched`` (for code still asking ``patched``), and never answers False."""
        self._check_id("deprecate_patch", change_id)
        self.ctx.check_usable("deprecate_patch")
        if change_id not in self.patches and not self._patch_recorded(change_id) and not self._replaying():
            self.ctx.buffer.add(record_marker(PATCH_MARKER, details=change_id))
        self.patches[change_id] = True

    def side_effect(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` run once and recorded; the recorded value on every replay."""
        if not callable(fn):
            raise ValidationError("side_effect", "fn", "must be callable, got %r" % (fn,))
        ctx = self.ctx
        ctx.check_usable("side_effect")
        index, self.side_effects = self.side_effects, self.side_effects + 1
        recorded = ctx.state.markers.get(SIDE_EFFECT_MARKER, ())
        if index < len(recorded):
            return decode_value(ctx.serializer, recorded[index].details)
        text = encode_value(ctx.serializer, fn(), "side_effect", "result")
        ctx.buffer.add(record_marker(SIDE_EFFECT_MARKER, details=text))
        return decode_value(ctx.serializer, text)  # what every replay will see

    def now(self) -> datetime:
        """Deterministic workflow time (aware UTC)."""
        ctx = self.ctx
        when = ctx.event_times(ctx.position) if ctx.event_times is not None else None
        if when is None:  # a bare replay() without event times: the execution's start
            when = ctx.state.execution.start_timestamp if ctx.state.execution else None
        if isinstance(when, (int, float)):
            when = datetime.fromtimestamp(when, timezone.utc)
        if when is None:
            raise ValidationError("now", "history", "the history holds no event time")
        return when

    def random(self) -> random_module.Random:
        """A generator seeded from this run: the same numbers on every replay."""
        if self._random is None:
            ctx = self.ctx
            seed = hashlib.sha256(("%s\n%s" % (ctx.workflow_id, ctx.run_id)).encode("utf-8")).digest()
            self._random = random_module.Random(int.from_bytes(seed[:8], "big"))
        return self._random
