"""The committed spec tables match the model they were generated from, on any botocore.

The model itself is committed in ``tools/swf_model/`` with its digests (``SOURCE.json``), so the
regeneration check runs on every install. Whether the *installed* botocore ships a different SWF
model is reported as a warning, not a failure: a newer botocore is no bug of ours, but it is the
cue to refresh (``python tools/generate_spec.py --refresh-from-botocore``).
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import os
import pathlib
import warnings
from typing import Any, Dict

from swfkit import spec

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(ROOT, "tools")


class InstalledModelDiffers(UserWarning):
    """The installed botocore's SWF model is not the one the spec tables were generated from."""


def _generator() -> Any:
    loaded = importlib.util.spec_from_file_location("generate_spec", os.path.join(TOOLS, "generate_spec.py"))
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def load_model() -> Dict[str, Any]:
    with gzip.open(os.path.join(TOOLS, "swf_model", "service-2.json.gz")) as handle:
        model: Dict[str, Any] = json.load(handle)
    return model


def test_counts_match_the_service() -> None:
    assert len(spec.OPERATIONS) == 39
    assert len(spec.DECISION_ATTRIBUTES) == 13
    assert len(spec.EVENT_ATTRIBUTES) == 54
    assert len(spec.FAULTS) == 11


def test_operations_match_the_committed_model() -> None:
    model = load_model()
    assert sorted(spec.OPERATIONS) == sorted(model["operations"])
    for name, operation in model["operations"].items():
        assert spec.OPERATIONS[name]["input"] == operation.get("input", {}).get("shape"), name


def test_event_attribute_keys_exist_in_history_event_shape() -> None:
    members = spec.SHAPES["HistoryEvent"]["members"]
    for event_type, (key, shape) in spec.EVENT_ATTRIBUTES.items():
        assert members[key] == shape, event_type
    assert spec.EVENT_ATTRIBUTES["TimerCanceled"][0] == "timerCanceledEventAttributes"


def test_committed_model_is_the_one_its_digests_name() -> None:
    generator = _generator()
    recorded = generator.source()
    assert generator.digests(generator.MODEL_DIR) == recorded["sha256"]
    assert spec.BOTOCORE_VERSION == recorded["botocore"]


def test_generator_output_is_committed_unchanged(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Regenerating from the committed model gives the committed tables, byte for byte."""
    output = tmp_path / "_model.py"
    assert _generator().main(["--output", str(output)]) == 0
    with open(os.path.join(ROOT, "swfkit", "spec", "_model.py")) as handle:
        assert output.read_text() == handle.read()


def test_installed_botocore_model_is_reported_when_it_differs() -> None:
    """Report (never fail) when the installed botocore ships another SWF model than the committed one."""
    difference = _generator().installed_model_difference()
    if difference is not None:
        warnings.warn(InstalledModelDiffers(difference))


def test_the_report_names_what_differs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The comparison behind that report can tell: a model with one changed shape is reported."""
    generator = _generator()
    assert generator.installed_model_difference(generator.MODEL_DIR) is None
    model = load_model()
    model["shapes"]["DomainName"]["max"] = 257
    with gzip.open(tmp_path / "service-2.json.gz", "wt") as handle:
        json.dump(model, handle)
    (tmp_path / "paginators-1.json").write_bytes((pathlib.Path(TOOLS) / "swf_model" / "paginators-1.json").read_bytes())
    difference = generator.installed_model_difference(str(tmp_path))
    assert difference is not None and "service-2.json.gz" in difference and "paginators" not in difference
