"""The committed spec tables match botocore's model and the generator's output."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import botocore

from swfkit import spec

MODEL = os.path.join(os.path.dirname(botocore.__file__), "data", "swf", "2012-01-25", "service-2.json.gz")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_model() -> dict:
    with gzip.open(MODEL) as handle:
        return json.load(handle)


def test_counts_match_the_service() -> None:
    assert len(spec.OPERATIONS) == 39
    assert len(spec.DECISION_ATTRIBUTES) == 13
    assert len(spec.EVENT_ATTRIBUTES) == 54
    assert len(spec.FAULTS) == 11


def test_operations_match_installed_botocore_model() -> None:
    model = load_model()
    assert sorted(spec.OPERATIONS) == sorted(model["operations"])
    for name, operation in model["operations"].items():
        assert spec.OPERATIONS[name]["input"] == operation.get("input", {}).get("shape"), name


def test_event_attribute_keys_exist_in_history_event_shape() -> None:
    members = spec.SHAPES["HistoryEvent"]["members"]
    for event_type, (key, shape) in spec.EVENT_ATTRIBUTES.items():
        assert members[key] == shape, event_type
    assert spec.EVENT_ATTRIBUTES["TimerCanceled"][0] == "timerCanceledEventAttributes"


def test_generator_output_is_committed_unchanged(tmp_path) -> None:
    target = os.path.join(ROOT, "swfkit", "spec", "_model.py")
    with open(target) as handle:
        committed = handle.read()
    # The header names the botocore version; regenerate only when it is the same one.
    if spec.BOTOCORE_VERSION != botocore.__version__:
        model = load_model()
        assert sorted(spec.OPERATIONS) == sorted(model["operations"])
        return
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "generate_spec.py")], check=True, capture_output=True)
    try:
        with open(target) as handle:
            assert handle.read() == committed
    finally:
        with open(target, "w") as handle:
            handle.write(committed)
