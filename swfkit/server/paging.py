"""Paging: page size, opaque tokens, list slices, and history pages spliced from stored event text."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from swfkit.spec import limits

from swfkit.server import tokens
from swfkit.server.context import Context


def page_size(params: Dict[str, Any]) -> int:
    """``maximumPageSize``: absent or 0 means the maximum (1000)."""
    size = params.get("maximumPageSize") or 0
    return size if 0 < size <= limits.MAX_PAGE_SIZE else limits.MAX_PAGE_SIZE


def paginate(ctx: Context, params: Dict[str, Any], rows: Sequence[Any], key: Callable[[Any], List[Any]],
             ) -> Tuple[List[Any], Dict[str, Any]]:
    """Slice already-sorted ``rows`` after the token's position; return (page, {nextPageToken?})."""
    position = tokens.parse_page_token(ctx.store.secret, params, ctx.clock.now())
    start = 0
    if position is not None:
        start = len(rows)
        for index, row in enumerate(rows):
            if key(row) == position:
                start = index + 1
                break
    size = page_size(params)
    page = list(rows[start:start + size])
    extra: Dict[str, Any] = {}
    if start + size < len(rows) and page:
        extra["nextPageToken"] = tokens.page_token(ctx.store.secret, params, key(page[-1]), ctx.clock.now())
    return page, extra


class Raw:
    """A response body already serialised (event pages are spliced in as stored text)."""

    __slots__ = ("body",)

    def __init__(self, body: bytes) -> None:
        self.body = body


def events_page(ctx: Context, execution_row: int, params: Dict[str, Any], position: Optional[List[Any]],
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
