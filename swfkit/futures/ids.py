"""Deterministic ids for what a workflow asks for: the same code on the same history gets the same ids.

Activities are numbered in submission order (``"3-resize"``), or named by a hash of type and
input when ``idempotent=True`` (``swfkit.decisions.activity_id_for``). The number comes first:
replayed code that submits another activity at the same position is matched with the recorded
one by its number and caught by the determinism guard, instead of silently scheduling garbage.
"""
from __future__ import annotations

import hashlib

from swfkit.decisions import activity_id_for
from swfkit.spec.limits import MAX_NAME_LENGTH

__all__ = ["activity_id", "activity_id_at", "idempotent_activity_id", "timer_id", "retry_timer_id", "child_workflow_id",
           "wake_timer_id"]


def _fit(text: str) -> str:
    """``text`` if it is a valid id length, else its head plus a digest of all of it."""
    if len(text) <= MAX_NAME_LENGTH:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return text[: MAX_NAME_LENGTH - 17] + "-" + digest


def activity_id(sequence: int, name: str) -> str:
    """The id of the ``sequence``-th activity submitted (1-based)."""
    return _fit("%d-%s" % (sequence, name))


def activity_id_at(path: str, name: str) -> str:
    """The id of a chain, group or map member at ``path`` (``"c2.3"``: canvas 2, member 3)."""
    return _fit("%s-%s" % (path, name))


def idempotent_activity_id(name: str, version: str, input: str) -> str:
    """The id of an ``idempotent=True`` activity: a stable hash of its type and input."""
    return activity_id_for(name, version, input)


def timer_id(sequence: int) -> str:
    """The id of the ``sequence``-th timer the workflow starts."""
    return "timer-%d" % sequence


def retry_timer_id(activity_id: str, failed_attempt: int) -> str:
    """The backoff timer before retrying ``activity_id`` after attempt ``failed_attempt`` failed."""
    return _fit("retry-%d-%s" % (failed_attempt, activity_id))


def child_workflow_id(parent_workflow_id: str, parent_run_id: str, sequence: int) -> str:
    """The ``sequence``-th child's workflow id: unique in the domain across runs of the parent."""
    run = hashlib.sha256(parent_run_id.encode("utf-8")).hexdigest()[:8]
    return _fit("%s--%s--%d" % (parent_workflow_id[:200], run, sequence))


def wake_timer_id(started_event_id: int) -> str:
    """A zero-second timer that brings the next decision when one response could not hold all."""
    return "swfkit-more-%d" % started_event_id
