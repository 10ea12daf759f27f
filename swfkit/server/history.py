"""History reads: pages of events straight from their stored JSON text, never all at once."""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from swfkit.server import tokens
from swfkit.server.context import Context
from swfkit.server.paging import page_size


class Raw:
    """A response body already serialised (event pages are spliced in as stored text)."""

    __slots__ = ("body",)

    def __init__(self, body: bytes) -> None:
        self.body = body


def events_page(ctx: Context, execution_row: int, params: Dict[str, Any], position: Optional[list],
                last_event_id: Optional[int] = None, first_event_id: int = 1,
                token_prefix: Tuple[Any, ...] = ()) -> Tuple[str, Optional[str]]:
    """One page of an execution's events as a JSON array text, plus the next page token.

    ``position`` is the token's position (``[*token_prefix, last id served]``) or None.
    """
    size = page_size(params)
    reverse = bool(params.get("reverseOrder"))
    low, high = first_event_id, last_event_id if last_event_id is not None else 2 ** 62
    if position is not None:
        if reverse:
            high = min(high, int(position[-1]) - 1)
        else:
            low = max(low, int(position[-1]) + 1)
    rows = ctx.store.execute(
        "SELECT event_id, body FROM events WHERE execution=? AND event_id BETWEEN ? AND ? "
        "ORDER BY event_id %s LIMIT ?" % ("DESC" if reverse else "ASC"),
        (execution_row, low, high, size + 1)).fetchall()
    token = None
    if len(rows) > size:
        rows = rows[:size]
        token = tokens.page_token(ctx.store.secret, params, list(token_prefix) + [rows[-1][0]],
                                  ctx.clock.now())
    return "[" + ",".join(row[1] for row in rows) + "]", token
