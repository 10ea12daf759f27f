"""SQLite state of the server: schema, the one lock, and one transaction per API call.

Every table row is small; history events are JSON text rows keyed by (execution, event id) so a
page of a long history is one index range scan and nothing else is loaded.
"""
from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from typing import Any, Optional

from swfkit.server.schema import EVENTS_SCHEMA, prepare

#: Compact JSON text for rows and answers (one encoder, built once: this is on every call's path).
to_json = json.JSONEncoder(separators=(",", ":")).encode


class Store:
    """One SQLite connection guarded by one re-entrant lock.

    Opening a ``--db`` file written by an older swfkit migrates it (see :mod:`swfkit.server.schema`);
    one written by a newer swfkit raises :class:`~swfkit.server.schema.DatabaseVersionError`.

    Callers hold :attr:`lock` (directly or through ``Context.transaction``, which also counts
    nesting in ``_depth``) for every read and write; long polls wait on conditions built on the
    same lock, which releases it meanwhile.
    """

    def __init__(self, path: Optional[str] = None, region: str = "us-east-1") -> None:
        self.lock = threading.RLock()
        self.path = path or ":memory:"
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        if path is not None:
            # WAL + synchronous=NORMAL: a committed call survives kill -9 of the process.
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(EVENTS_SCHEMA.format(schema=""))
        else:
            # Everything small stays in memory (fast); the histories, which are most of the bytes,
            # go to an SQLite temporary database (an empty file name): it lives in a small page
            # cache that spills to an anonymous file SQLite deletes itself (even on kill -9), so
            # memory stays flat however many events it holds.
            self.db.execute("ATTACH DATABASE '' AS hist")
            self.db.execute("PRAGMA hist.journal_mode=MEMORY")
            self.db.execute("PRAGMA hist.synchronous=OFF")
            self.db.executescript(EVENTS_SCHEMA.format(schema="hist."))
        try:
            prepare(self.db, self.path, region)
        except BaseException:
            self.db.close()
            raise
        self._depth = 0
        self.secret = self._secret()

    def _secret(self) -> bytes:
        row = self.db.execute("SELECT value FROM meta WHERE key='secret'").fetchone()
        if row:
            return bytes.fromhex(row[0])
        value = secrets.token_bytes(32)
        self.db.execute("INSERT INTO meta (key, value) VALUES ('secret', ?)", (value.hex(),))
        return value

    def execute(self, sql: str, args: Any = ()) -> sqlite3.Cursor:
        """Run one statement (the caller holds the lock)."""
        return self.db.execute(sql, args)

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.db.close()


def database_path(db: Optional[str]) -> Optional[str]:
    """Normalise the ``db`` argument: ``None`` or ``":memory:"`` means in memory."""
    if db is None or db == ":memory:":
        return None
    return os.fspath(db)
