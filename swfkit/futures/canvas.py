"""``Chain`` and ``Group`` (simpleflow's canvas) and ``map``/``starmap`` with ``max_parallel``.

A chain runs its members one after the other, appending each result as the last positional
argument of the next member; a group runs its members together and its result is the list of their
results in order. A member is an ``@activity``, a tuple ``(activity, *args)`` or another chain or
group. Submitting one gives a single ``Future``.

Member ids do not come from the submission sequence: a member is started when the history shows
its predecessor finished (chain) or a slot free (``max_parallel``), so its place in the order of
submissions would depend on timing. Each chain, group or map takes the next canvas number instead,
and a member's activity id is its path in the tree: ``"c2.3-resize"`` (canvas 2, member 3),
``"c1.2.1-sq"`` (member 1 of member 2 of canvas 1). With ``max_parallel`` the members started are
always a prefix of the list, which grows as earlier ones close: the same history always starts the
same members, so replay stays deterministic.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Optional, Tuple, Union

from swfkit.exceptions import ValidationError
from swfkit.futures import ids
from swfkit.futures.definitions import Activity
from swfkit.futures.errors import WorkflowUsageError
from swfkit.futures.future import PENDING, SUCCEEDED, Future
from swfkit.spec.limits import MAX_NAME_LENGTH

__all__ = ["Chain", "Group", "submit_canvas", "map_futures"]

Member = Union[Activity, Tuple[Any, ...], "Chain", "Group"]


def _check_member(where: str, index: int, member: Any) -> Any:
    if isinstance(member, (Activity, Chain, Group)):
        return member
    if isinstance(member, tuple) and member and isinstance(member[0], (Activity, Chain, Group)):
        if len(member) > 1 and not isinstance(member[0], Activity):
            raise ValidationError(where, "members[%d]" % index, "only an activity takes arguments in a tuple, "
                                  "got %r" % (member,))
        return member
    raise ValidationError(where, "members[%d]" % index, "must be an @activity, a tuple (activity, *args) or a "
                          "Chain/Group, got %r" % (member,))


def _check_parallel(where: str, max_parallel: Optional[int]) -> Optional[int]:
    if max_parallel is not None and (isinstance(max_parallel, bool) or not isinstance(max_parallel, int)
                                     or max_parallel < 1):
        raise ValidationError(where, "max_parallel", "must be an int >= 1 or None, got %r" % (max_parallel,))
    return max_parallel


class Chain:
    """Members run one after the other; each result is appended to the next member's arguments.

    ``Chain((inc, 1), (sq,))`` computes ``sq(inc(1))``. The chain's result is its last member's.

    Args:
        members: activities, ``(activity, *args)`` tuples, chains or groups.
        raises_on_failure: True: a failed member fails the chain (later members do not run);
            False: it passes None on and the chain goes on.

    Raises:
        ValidationError: a member is none of these.
    """

    __slots__ = ("members", "raises_on_failure")

    def __init__(self, *members: Member, raises_on_failure: bool = True) -> None:
        self.members = tuple(_check_member("Chain", i, m) for i, m in enumerate(members))
        self.raises_on_failure = bool(raises_on_failure)

    def __repr__(self) -> str:
        return "Chain(%s)" % ", ".join(map(repr, self.members))


class Group:
    """Members run together; the result is the list of their results, in order.

    Args:
        members: activities, ``(activity, *args)`` tuples, chains or groups.
        max_parallel: most members open at once (None: all at once).
        raises_on_failure: True: the first failure (in history order) fails the group's future
            (members already started still run); False: a failed member's result is None.

    Raises:
        ValidationError: a bad member or ``max_parallel``.
    """

    __slots__ = ("members", "max_parallel", "raises_on_failure")

    def __init__(self, *members: Member, max_parallel: Optional[int] = None, raises_on_failure: bool = True) -> None:
        self.members = tuple(_check_member("Group", i, m) for i, m in enumerate(members))
        self.max_parallel = _check_parallel("Group", max_parallel)
        self.raises_on_failure = bool(raises_on_failure)

    def __repr__(self) -> str:
        return "Group(%s)" % ", ".join(map(repr, self.members))


def _start(ctx: Any, member: Any, path: str, extra: Tuple[Any, ...]) -> Future:
    """Start (or resolve from the history) one member at ``path``, ``extra`` appended to its arguments."""
    if isinstance(member, Chain):
        return _chain(ctx, member, path, extra)
    if isinstance(member, Group):
        return _group(ctx, member, path, extra)
    if isinstance(member, tuple):
        if not isinstance(member[0], Activity):
            return _start(ctx, member[0], path, extra)
        act, args = member[0], member[1:] + extra
    else:
        act, args = member, extra
    future: Future = ctx.submit_activity(act, args, {}, ids.activity_id_at(path, act.name))
    return future


def _chain(ctx: Any, chain: Chain, path: str, extra: Tuple[Any, ...]) -> Future:
    future = Future(ctx, "chain", path)
    started: List[Future] = []
    future._canceller = lambda f: _cancel_all(started)
    previous, event_id = extra, 0
    for index, member in enumerate(chain.members, 1):
        step = _start(ctx, member, "%s.%d" % (path, index), previous)
        started.append(step)
        if step._status is PENDING:
            return future
        event_id = step._event_id
        if step._status is SUCCEEDED:
            previous = (step._value,)
        elif chain.raises_on_failure:
            return future._fail(step._error, event_id)  # type: ignore[arg-type]  # set with the failure
        else:
            previous = (None,)
    return future._succeed(previous[0] if previous else None, event_id)


def _group(ctx: Any, group: Group, path: str, extra: Tuple[Any, ...]) -> Future:
    future = Future(ctx, "group", path)
    members = _run_members(ctx, [(m, extra) for m in group.members], path, group.max_parallel)
    future._canceller = lambda f: _cancel_all([m for m in members if m is not None])
    if len(members) < len(group.members) or any(m._status is PENDING for m in members):
        if group.raises_on_failure:
            failures = [m for m in members if m._status is not PENDING and m._status is not SUCCEEDED]
            if failures:
                first = min(failures, key=lambda m: m._event_id)
                future._fail(first._error, first._event_id)  # type: ignore[arg-type]
        return future
    failed = [m for m in members if m._status is not SUCCEEDED]
    if failed and group.raises_on_failure:
        first = min(failed, key=lambda m: m._event_id)
        return future._fail(first._error, first._event_id)  # type: ignore[arg-type]
    values = [m._value if m._status is SUCCEEDED else None for m in members]
    return future._succeed(values, max((m._event_id for m in members), default=0))


def _run_members(ctx: Any, members: List[Tuple[Any, Tuple[Any, ...]]], path: str,
                 max_parallel: Optional[int]) -> List[Future]:
    """Start members in order while fewer than ``max_parallel`` of those started are open."""
    started: List[Future] = []
    open_count = 0
    for index, (member, extra) in enumerate(members, 1):
        if max_parallel is not None and open_count >= max_parallel:
            break
        future = _start(ctx, member, "%s.%d" % (path, index), extra)
        started.append(future)
        if future._status is PENDING:
            open_count += 1
    return started


def _cancel_all(futures: List[Future]) -> bool:
    for future in futures:
        if future._status is PENDING:
            future.cancel()
    return True


def submit_canvas(ctx: Any, canvas: Union[Chain, Group]) -> Future:
    """``self.submit(chain_or_group)``: the future of the whole tree."""
    ctx.canvas_seq += 1
    prefix = "c%d" % ctx.canvas_seq
    return _chain(ctx, canvas, prefix, ()) if isinstance(canvas, Chain) else _group(ctx, canvas, prefix, ())


def map_futures(ctx: Any, act: Any, items: Iterable[Any], max_parallel: Optional[int], where: str,
                star: bool = False) -> List[Future]:
    """``self.map``/``self.starmap``: one future per item (``star``: per argument tuple), in order.

    Members beyond the ``max_parallel`` window are not scheduled yet: their futures stay pending
    (``result()`` ends the decision) until a later decision has a free slot for them. (The loop is
    written out, not built on ``_run_members``: it runs over every item on every replay.)
    """
    if not isinstance(act, Activity):
        raise WorkflowUsageError("%s: %r is not an @activity function" % (where, act))
    _check_parallel(where, max_parallel)
    ctx.check_usable(where)
    ctx.canvas_seq += 1
    prefix, suffix = "m%d." % ctx.canvas_seq, "-" + act.name
    fit = len(prefix) + len(suffix) + 12 > MAX_NAME_LENGTH
    submit = ctx.submit_activity
    futures: List[Future] = []
    open_count, index = 0, 0
    iterator = iter(items)
    for item in iterator:
        index += 1
        activity_id = ids.activity_id_at(prefix + str(index), act.name) if fit else prefix + str(index) + suffix
        future = submit(act, tuple(item) if star else (item,), {}, activity_id)
        futures.append(future)
        if future._status is PENDING:
            open_count += 1
            if max_parallel is not None and open_count >= max_parallel:
                break
    for _ in iterator:  # the rest wait for a slot
        index += 1
        activity_id = ids.activity_id_at(prefix + str(index), act.name) if fit else prefix + str(index) + suffix
        future = Future(ctx, "activity", activity_id)
        future._canceller = _never_started
        futures.append(future)
    return futures


def _never_started(future: Future) -> bool:
    return True
