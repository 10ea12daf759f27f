"""``fold``: the pure fold of history events into an ``ExecutionState``."""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Union

from swfkit.history.collection_pause import collection_paused
from swfkit.history.event_base import HistoryEvent
from swfkit.history.state import ExecutionState


def fold(events: Iterable[Union[HistoryEvent, Mapping[str, Any]]],
         state: Optional[ExecutionState] = None) -> ExecutionState:
    """Fold events (typed or wire dicts, in history order) into an ``ExecutionState``.

    Args:
        events: the events to apply. With ``state``, events it already holds (ids up to
            ``state.last_event_id``) are skipped, so a whole new history can be passed.
        state: a state to continue from. It is not modified: the result is a new state, equal to
            folding every event from the start.

    Raises:
        swfkit.exceptions.HistoryIntegrityError: an event breaks SWF's lifecycles.
    """
    result = ExecutionState() if state is None else state.copy()
    skip_through = result.last_event_id
    raws = (event.raw if isinstance(event, HistoryEvent) else event for event in events)
    if skip_through:
        raws = (raw for raw in raws if raw.get("eventId", 0) > skip_through)
    with collection_paused():
        result.apply_raw(raws)
    return result
