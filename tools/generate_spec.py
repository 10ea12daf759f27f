"""Generate ``swfkit/spec/_model.py`` from SWF's service model, as botocore ships it.

The model the tables come from is committed in ``tools/swf_model/`` (with its digests and the
botocore version it was taken from in ``SOURCE.json``), so regenerating gives the same tables on
any install and tests/spec can check that nothing is stale. To move to a newer model:

    python tools/generate_spec.py --refresh-from-botocore   # copy the installed botocore's model
    python tools/generate_spec.py                           # write swfkit/spec/_model.py

and review the diff. Nothing reads the model at import time.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import sys
from typing import Any, Dict, List, Optional

MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "swf_model")
MODEL_FILES = ("service-2.json.gz", "paginators-1.json")
OUTPUT = os.path.join(os.path.dirname(__file__), "..", "swfkit", "spec", "_model.py")
KEPT_KEYS = ("type", "required", "members", "member", "min", "max", "enum", "exception")


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def lower_first(name: str) -> str:
    return name[0].lower() + name[1:]


def installed_model_dir() -> str:
    """Where the installed botocore keeps SWF's model."""
    import botocore

    return os.path.join(os.path.dirname(botocore.__file__), "data", "swf", "2012-01-25")


def digests(model_dir: str) -> Dict[str, str]:
    """SHA-256 of each model file's content (the service model uncompressed: gzip bytes vary)."""
    result = {}
    for name in MODEL_FILES:
        opener = gzip.open if name.endswith(".gz") else open
        with opener(os.path.join(model_dir, name), "rb") as handle:  # type: ignore[operator]
            result[name] = hashlib.sha256(handle.read()).hexdigest()
    return result


def source() -> Dict[str, Any]:
    """``tools/swf_model/SOURCE.json``: the botocore version and digests of the committed model."""
    with open(os.path.join(MODEL_DIR, "SOURCE.json")) as handle:
        value: Dict[str, Any] = json.load(handle)
    return value


def installed_model_difference(installed_dir: Optional[str] = None) -> Optional[str]:
    """A line saying how the installed botocore's SWF model differs from the committed one, or None.

    Args:
        installed_dir: where the installed model is (default: the installed botocore's).
    """
    import botocore

    installed = digests(installed_dir or installed_model_dir())
    recorded = source()
    if installed == recorded["sha256"]:
        return None
    changed = sorted(name for name, digest in installed.items() if recorded["sha256"].get(name) != digest)
    return ("botocore %s ships another SWF model (%s) than the one swfkit/spec was generated from (botocore %s): "
            "run python tools/generate_spec.py --refresh-from-botocore and review the diff"
            % (botocore.__version__, ", ".join(changed), recorded["botocore"]))


def refresh_from_botocore() -> None:
    """Copy the installed botocore's SWF model into ``tools/swf_model`` and record where it came from."""
    import botocore

    for name in MODEL_FILES:
        shutil.copyfile(os.path.join(installed_model_dir(), name), os.path.join(MODEL_DIR, name))
    with open(os.path.join(MODEL_DIR, "SOURCE.json"), "w") as handle:
        json.dump({"botocore": botocore.__version__, "sha256": digests(MODEL_DIR)}, handle, indent=1)
        handle.write("\n")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refresh-from-botocore", action="store_true",
                        help="first copy the installed botocore's SWF model into tools/swf_model")
    parser.add_argument("--output", default=OUTPUT, help="where to write (default swfkit/spec/_model.py)")
    args = parser.parse_args(argv)
    if args.refresh_from_botocore:
        refresh_from_botocore()
    version = source()["botocore"]
    with gzip.open(os.path.join(MODEL_DIR, "service-2.json.gz")) as handle:
        model = json.load(handle)
    with open(os.path.join(MODEL_DIR, "paginators-1.json")) as handle:
        paginators = json.load(handle)["pagination"]

    shapes = {}
    for name, shape in sorted(model["shapes"].items()):
        kept = {key: shape[key] for key in KEPT_KEYS if key in shape}
        if "members" in kept:
            kept["members"] = {member: spec["shape"] for member, spec in shape["members"].items()}
        if "member" in kept:
            kept["member"] = shape["member"]["shape"]
        shapes[name] = kept

    operations = {}
    for name, operation in sorted(model["operations"].items()):
        operations[name] = {
            "method": snake_case(name),
            "input": operation.get("input", {}).get("shape"),
            "output": operation.get("output", {}).get("shape"),
            "errors": [error["shape"] for error in operation.get("errors", [])],
        }

    event_types = shapes["EventType"]["enum"]
    history_members = shapes["HistoryEvent"]["members"]
    event_attributes = {}
    for event_type in event_types:
        key = lower_first(event_type) + "EventAttributes"
        event_attributes[event_type] = (key, history_members.get(key))

    decision_types = shapes["DecisionType"]["enum"]
    decision_members = shapes["Decision"]["members"]
    decision_attributes = {}
    for decision_type in decision_types:
        key = lower_first(decision_type) + "DecisionAttributes"
        decision_attributes[decision_type] = (key, decision_members[key])

    faults = sorted(name for name, shape in shapes.items() if shape.get("exception"))
    metadata = {key: model["metadata"][key] for key in ("apiVersion", "endpointPrefix", "jsonVersion", "targetPrefix", "serviceId")}

    tables = {
        "METADATA": metadata,
        "FAULTS": faults,
        "PAGINATORS": paginators,
        "OPERATIONS": operations,
        "EVENT_ATTRIBUTES": event_attributes,
        "DECISION_ATTRIBUTES": decision_attributes,
        "SHAPES": shapes,
    }
    # JSON text in a raw string: unmarshalling one string and json.loads costs ~1 ms at import,
    # where the same tables as Python literals cost 20-40 ms (import time is part of performance).
    text = json.dumps(tables, indent=1, sort_keys=False, ensure_ascii=True)
    assert "'''" not in text
    parts = [
        '"""SWF\'s API model, generated by tools/generate_spec.py from botocore %s. Do not edit."""' % version,
        "# fmt: off",
        "import json",
        "from typing import Any, Dict, Optional, Tuple",
        "",
        "BOTOCORE_VERSION = %r" % version,
        "_TABLES: Dict[str, Any] = json.loads(r'''%s''')" % text,
        "METADATA: Dict[str, str] = _TABLES[\"METADATA\"]",
        "FAULTS: Tuple[str, ...] = tuple(_TABLES[\"FAULTS\"])",
        "PAGINATORS: Dict[str, Dict[str, Any]] = _TABLES[\"PAGINATORS\"]",
        "OPERATIONS: Dict[str, Dict[str, Any]] = _TABLES[\"OPERATIONS\"]",
        "# event type -> (attributes key in HistoryEvent, attributes shape or None)",
        "EVENT_ATTRIBUTES: Dict[str, Tuple[str, Optional[str]]] = {",
        "    name: (key, shape) for name, (key, shape) in _TABLES[\"EVENT_ATTRIBUTES\"].items()}",
        "# decision type -> (attributes key in Decision, attributes shape)",
        "DECISION_ATTRIBUTES: Dict[str, Tuple[str, str]] = {",
        "    name: (key, shape) for name, (key, shape) in _TABLES[\"DECISION_ATTRIBUTES\"].items()}",
        "SHAPES: Dict[str, Dict[str, Any]] = _TABLES[\"SHAPES\"]",
        "del _TABLES",
        "",
    ]
    with open(args.output, "w") as handle:
        handle.write("\n".join(parts))
    print("wrote %s: %d operations, %d shapes" % (os.path.normpath(args.output), len(operations), len(shapes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
