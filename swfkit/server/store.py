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

#: Compact JSON text for rows and answers (one encoder, built once: this is on every call's path).
to_json = json.JSONEncoder(separators=(",", ":")).encode

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS domains (
    name TEXT PRIMARY KEY, status TEXT NOT NULL, description TEXT, retention TEXT NOT NULL,
    created REAL NOT NULL, tags TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS types (
    domain TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
    status TEXT NOT NULL, description TEXT, created REAL NOT NULL, deprecated REAL,
    config TEXT NOT NULL, PRIMARY KEY (domain, kind, name, version));
CREATE TABLE IF NOT EXISTS executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, domain TEXT NOT NULL, workflow_id TEXT NOT NULL,
    run_id TEXT NOT NULL, type_name TEXT NOT NULL, type_version TEXT NOT NULL,
    open INTEGER NOT NULL, close_status TEXT, start_ts REAL NOT NULL, close_ts REAL,
    tags TEXT NOT NULL, parent TEXT, cancel_requested INTEGER NOT NULL DEFAULT 0,
    config TEXT NOT NULL, state TEXT NOT NULL, next_event_id INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS executions_run ON executions (domain, workflow_id, run_id);
CREATE INDEX IF NOT EXISTS executions_open ON executions (domain, open, start_ts);
CREATE INDEX IF NOT EXISTS executions_closed ON executions (domain, open, close_ts);
CREATE TABLE IF NOT EXISTS activities (
    execution INTEGER NOT NULL, scheduled INTEGER NOT NULL, activity_id TEXT NOT NULL,
    record TEXT NOT NULL, PRIMARY KEY (execution, scheduled)) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS activities_id ON activities (execution, activity_id);
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, domain TEXT NOT NULL, kind TEXT NOT NULL,
    task_list TEXT NOT NULL, priority INTEGER NOT NULL, execution INTEGER NOT NULL,
    scheduled_event_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tasks_queue ON tasks (domain, kind, task_list, priority DESC, id);
CREATE INDEX IF NOT EXISTS tasks_execution ON tasks (execution, kind, scheduled_event_id);
CREATE TABLE IF NOT EXISTS timeouts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, due REAL NOT NULL, execution INTEGER NOT NULL,
    kind TEXT NOT NULL, ref TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS timeouts_due ON timeouts (due);
CREATE INDEX IF NOT EXISTS timeouts_execution ON timeouts (execution, ref);
"""
#: History events: in the main database, or in an attached scratch file (``hist``) when the
#: rest of the state is in memory.
EVENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS {schema}events (
    execution INTEGER NOT NULL, event_id INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (execution, event_id)) WITHOUT ROWID;
"""


class Store:
    """One SQLite connection guarded by one re-entrant lock.

    Callers hold :attr:`lock` (directly or through ``Context.transaction``, which also counts
    nesting in ``_depth``) for every read and write; long polls wait on conditions built on the
    same lock, which releases it meanwhile.
    """

    def __init__(self, path: Optional[str] = None) -> None:
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
        self.db.executescript(SCHEMA)
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
