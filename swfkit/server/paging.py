"""Keyset paging shared by the list operations: page size, opaque token, next token."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence, Tuple

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
