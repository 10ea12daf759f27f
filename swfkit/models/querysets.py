"""A lazy, paginated query over a ``List*`` operation that turns each item into a resource object."""
from __future__ import annotations

from typing import Any, Callable, Dict, Generic, Iterator, List, Optional, TypeVar

T = TypeVar("T")


class QuerySet(Generic[T]):
    """Iterating sends the ``List*`` calls, page by page, only as far as it is consumed.

    Args:
        layer1: the client.
        operation: the paginated operation, e.g. ``ListWorkflowTypes``.
        params: its snake_case arguments.
        items_key: the answer's list, e.g. ``typeInfos``.
        build: turns one item into a resource object.
    """

    def __init__(self, layer1: Any, operation: str, params: Dict[str, Any], items_key: str,
                 build: Callable[[Dict[str, Any]], T], refine: Optional[Callable[..., Dict[str, Any]]] = None) -> None:
        self.layer1 = layer1
        self.operation = operation
        self.params = params
        self.items_key = items_key
        self._build = build
        self._refine = refine

    def filter(self, **criteria: Any) -> "QuerySet[T]":
        """A narrower query (the criteria the collection's ``filter`` documents)."""
        if self._refine is None:
            raise TypeError("%s cannot be filtered further" % self.operation)
        return QuerySet(self.layer1, self.operation, self._refine(self.params, **criteria), self.items_key,
                        self._build, self._refine)

    def __iter__(self) -> Iterator[T]:
        for page in self.layer1.paginate(self.operation, **self.params):
            for item in page.get(self.items_key, ()):
                yield self._build(item)

    def first(self) -> Optional[T]:
        """The first result, fetching only the first page(s) needed."""
        return next(iter(self), None)

    def list(self) -> List[T]:
        return list(self)

    def __repr__(self) -> str:
        return "<QuerySet %s %r>" % (self.operation, self.params)
