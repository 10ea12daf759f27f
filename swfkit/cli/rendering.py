"""What commands print: a table for people, JSON (``--json``) for scripts."""
from __future__ import annotations

import argparse
import datetime
import json
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

from swfkit.cli.event_lines import render_table


def wants_json(args: argparse.Namespace) -> bool:
    """True when the user asked for ``--json``."""
    return bool(getattr(args, "json", False))


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout."""
    json.dump(data, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


def emit(args: argparse.Namespace, data: Any, headers: Sequence[str], rows: Sequence[Sequence[str]],
         empty: str = "(none)") -> None:
    """Print ``data`` as JSON or ``rows`` as a table under ``headers``."""
    if wants_json(args):
        print_json(data)
    elif rows:
        print(render_table(list(headers), rows))
    else:
        print(empty)


def emit_fields(args: argparse.Namespace, data: Any, fields: Sequence[Tuple[str, Any]]) -> None:
    """Print ``data`` as JSON or ``(label, value)`` pairs as an aligned two-column list."""
    if wants_json(args):
        print_json(data)
        return
    width = max((len(label) for label, _ in fields), default=0)
    for label, value in fields:
        print("%s  %s" % ((label + ":").ljust(width + 1), "" if value is None else value))


def when(stamp: Optional[Any]) -> str:
    """An epoch-seconds timestamp as ``YYYY-MM-DD HH:MM:SS`` UTC ('' when absent)."""
    if not isinstance(stamp, (int, float)):
        return "" if stamp is None else str(stamp)
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def type_label(type_dict: Optional[Dict[str, Any]]) -> str:
    """``name/version`` for a workflow or activity type dict."""
    if not type_dict:
        return ""
    return "%s/%s" % (type_dict.get("name", ""), type_dict.get("version", ""))
