"""An execution's open timers, children and Lambda functions, one ``records`` row each.

Until schema version 2 they were part of the execution's JSON ``state``, re-encoded on every
call that touched the execution, so a signal cost grew with the number of open timers. A
:class:`RecordMap` behaves as the dict it replaced but reads its rows only when first used and
writes back only the keys a call touched.
"""
from __future__ import annotations

import json
from collections.abc import MutableMapping
from typing import Any, Dict, ItemsView, Iterator, Optional, Set, Tuple, ValuesView

from swfkit.server.store import Store, to_json


class RecordMap(MutableMapping):  # type: ignore[type-arg]
    """The records of one kind (``timers``, ``children``, ...) of one execution, as a dict.

    Reading a value with ``[]`` or ``get`` counts as touching it (callers may change the value in
    place); ``items()`` and ``values()`` are read-only views that touch nothing.

    Args:
        store: the server's store (the caller holds its transaction).
        execution: the execution's row id.
        kind: the record kind.
        items: the initial contents of a new execution (skips the first read).
    """

    __slots__ = ("_store", "_execution", "_kind", "_items", "_touched")

    def __init__(self, store: Store, execution: int, kind: str,
                 items: Optional[Dict[str, Any]] = None) -> None:
        self._store = store
        self._execution = execution
        self._kind = kind
        self._items = items
        self._touched: Set[str] = set()

    def _loaded(self) -> Dict[str, Any]:
        items = self._items
        if items is None:
            rows = self._store.execute("SELECT key, body FROM records WHERE execution=? AND kind=?",
                                       (self._execution, self._kind)).fetchall()
            items = self._items = {key: json.loads(body) for key, body in rows}
        return items

    def __getitem__(self, key: str) -> Any:
        value = self._loaded()[key]
        self._touched.add(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self._loaded()[key] = value
        self._touched.add(key)

    def __delitem__(self, key: str) -> None:
        del self._loaded()[key]
        self._touched.add(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __contains__(self, key: object) -> bool:
        return key in self._loaded()

    def items(self) -> ItemsView[str, Any]:
        return self._loaded().items()

    def values(self) -> ValuesView[Any]:
        return self._loaded().values()

    def clear(self) -> None:
        """Drop every record of this kind (one statement)."""
        self._store.execute("DELETE FROM records WHERE execution=? AND kind=?", (self._execution, self._kind))
        self._items = {}
        self._touched.clear()

    def replace(self, items: Dict[str, Any]) -> None:
        """Make the contents exactly ``items``."""
        self.clear()
        for key, value in items.items():
            self[key] = value

    def flush(self) -> None:
        """Write the touched keys back (same transaction)."""
        if not self._touched:
            return
        items = self._loaded()
        for key in self._touched:
            if key in items:
                self._store.execute("INSERT OR REPLACE INTO records (execution, kind, key, body) "
                                    "VALUES (?,?,?,?)", (self._execution, self._kind, key, to_json(items[key])))
            else:
                self._store.execute("DELETE FROM records WHERE execution=? AND kind=? AND key=?",
                                    (self._execution, self._kind, key))
        self._touched.clear()


class ExecutionState(dict):  # type: ignore[type-arg]
    """An execution's bookkeeping: its small JSON ``state`` plus a :class:`RecordMap` per record
    kind, made on first use (most calls touch none, and an execution loaded for a signal should
    not pay for them).

    Args:
        store: the server's store.
        execution: the execution's row id.
        kinds: the record kinds (``state[kind]`` gives their map).
        fresh: the execution was just created: its maps start empty without a read.
        small: the parsed JSON ``state``.
    """

    __slots__ = ("_store", "_execution", "_kinds", "_fresh")

    def __init__(self, store: Store, execution: int, kinds: Tuple[str, ...], fresh: bool,
                 small: Dict[str, Any]) -> None:
        super().__init__(small)
        self._store = store
        self._execution = execution
        self._kinds = kinds
        self._fresh = fresh

    def __missing__(self, key: str) -> Any:
        if key not in self._kinds:
            raise KeyError(key)
        records = self[key] = RecordMap(self._store, self._execution, key, {} if self._fresh else None)
        return records
