"""Idempotent activity ids: the same (name, version, input) always gives the same id."""
from __future__ import annotations

import hashlib
import json
from typing import Optional

from swfkit.decisions.rules import check_shape
from swfkit.spec import limits

#: Hex digits of the SHA-256 digest kept in an id (64 bits: collisions need ~4e9 ids).
DIGEST_LENGTH = 16


def activity_id_for(name: str, version: str, input: Optional[str] = None) -> str:
    """A stable activity id for scheduling ``name``/``version`` with ``input``.

    The id is ``<name>-<16 hex digits of SHA-256>`` over a canonical JSON encoding of the three
    values, so it is the same in every process, on every machine and Python version (no
    ``hash()``), readable in the history, and a valid SWF identifier of at most 256 characters
    (a long name is shortened; the digest still covers all of it). ``None`` and ``""`` inputs
    give different ids.

    >>> activity_id_for("resize", "1", '{"w": 10}')
    'resize-369039ce652023e7'

    Raises:
        ValidationError: ``name``/``version`` is not a valid type name/version, or ``input`` is
            not a string of at most 32,768 characters.
    """
    check_shape(name, "Name", "name")
    check_shape(version, "Version", "version")
    if input is not None:
        check_shape(input, "Data", "input")
    canonical = json.dumps([name, version, input], ensure_ascii=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("ascii")).hexdigest()[:DIGEST_LENGTH]
    prefix = name[: limits.MAX_NAME_LENGTH - DIGEST_LENGTH - 1]
    return "%s-%s" % (prefix, digest)
