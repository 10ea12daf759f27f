"""The SQLite schema of the server, its version, and the migrations from older versions.

A ``--db`` file records the version of the schema that wrote it (``meta.schema_version``). A file
from an older swfkit is migrated in one transaction when the server opens it; a file from a newer
swfkit is refused with one line (:class:`DatabaseVersionError`) before the server answers anything.

Version history:

- 1: swfkit before schema versions (no ``schema_version`` row).
- 2: domains are keyed by ``REGION/NAME`` (domains belong to a region); a per-domain count of open
  executions; open timers, children and Lambda functions in rows of their own (``records``); an
  index on the open run of a workflow id.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Callable, Dict

from swfkit.exceptions import ConfigurationError

SCHEMA_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS domains (
    name TEXT PRIMARY KEY, status TEXT NOT NULL, description TEXT, retention TEXT NOT NULL,
    created REAL NOT NULL, tags TEXT NOT NULL DEFAULT '[]', open_count INTEGER NOT NULL DEFAULT 0);
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
CREATE INDEX IF NOT EXISTS executions_open_run ON executions (domain, workflow_id) WHERE open=1;
CREATE INDEX IF NOT EXISTS executions_open ON executions (domain, open, start_ts);
CREATE INDEX IF NOT EXISTS executions_closed ON executions (domain, open, close_ts);
CREATE TABLE IF NOT EXISTS activities (
    execution INTEGER NOT NULL, scheduled INTEGER NOT NULL, activity_id TEXT NOT NULL,
    record TEXT NOT NULL, PRIMARY KEY (execution, scheduled)) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS activities_id ON activities (execution, activity_id);
CREATE TABLE IF NOT EXISTS records (
    execution INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (execution, kind, key)) WITHOUT ROWID;
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

#: The parts of an execution's bookkeeping kept as ``records`` rows (kind = the state key).
RECORD_KINDS = ("timers", "children", "lambdas", "lambda_ids")


class DatabaseVersionError(ConfigurationError):
    """A ``--db`` file this swfkit cannot open (written by a newer swfkit, or not a server file)."""


def _version(db: sqlite3.Connection) -> int:
    """The schema version of an open database; 0 for an empty one."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "meta" not in tables:
        return 0 if not tables - {"events"} else -1
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if row is None:
        return 1 if "executions" in tables else -1
    return int(row[0])


def prepare(db: sqlite3.Connection, label: str, region: str) -> None:
    """Create the schema in a new database, migrate an older one, or refuse.

    Args:
        db: the connection (autocommit mode; the events table already exists).
        label: the file name, for the message.
        region: the region an unqualified (version 1) domain belongs to.

    Raises:
        DatabaseVersionError: the file is newer than this swfkit, or not a swfkit server file.
    """
    version = _version(db)
    if version == -1:
        raise DatabaseVersionError("%s is not a swfkit server database (no schema version); use another "
                                   "--db file" % label)
    if version > SCHEMA_VERSION:
        raise DatabaseVersionError(
            "%s has schema version %d but this swfkit reads versions up to %d: upgrade swfkit, or use "
            "another --db file" % (label, version, SCHEMA_VERSION))
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        if 0 < version < SCHEMA_VERSION:
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](db, region)
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                   (str(SCHEMA_VERSION),))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _migrate_1_to_2(db: sqlite3.Connection, region: str) -> None:
    """Qualify domains by region, count open executions, move timers/children/lambdas to rows."""
    prefix = region + "/"
    db.execute("ALTER TABLE domains ADD COLUMN open_count INTEGER NOT NULL DEFAULT 0")
    for table, column in (("domains", "name"), ("types", "domain"), ("executions", "domain"),
                          ("tasks", "domain")):
        db.execute("UPDATE %s SET %s = ? || %s" % (table, column, column), (prefix,))
    db.execute("UPDATE domains SET open_count = (SELECT COUNT(*) FROM executions "
               "WHERE executions.domain = domains.name AND open=1)")
    rows = db.execute("SELECT id, state FROM executions").fetchall()
    for row_id, text in rows:
        state = json.loads(text)
        for kind in RECORD_KINDS:
            for key, value in (state.pop(kind, None) or {}).items():
                db.execute("INSERT INTO records (execution, kind, key, body) VALUES (?,?,?,?)",
                           (row_id, kind, key, json.dumps(value)))
        db.execute("UPDATE executions SET state=? WHERE id=?", (json.dumps(state), row_id))


MIGRATIONS: Dict[int, Callable[[sqlite3.Connection, str], None]] = {1: _migrate_1_to_2}
