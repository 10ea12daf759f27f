"""SWF's API model and limits as plain tables, shared by the client side and the embedded server.

``_model`` is generated from botocore's SWF model by ``tools/generate_spec.py`` and committed;
``limits`` holds the service quotas and identifier rules the model does not carry.
"""
from swfkit.spec._model import (
    BOTOCORE_VERSION,
    DECISION_ATTRIBUTES,
    EVENT_ATTRIBUTES,
    FAULTS,
    METADATA,
    OPERATIONS,
    PAGINATORS,
    SHAPES,
)

__all__ = [
    "BOTOCORE_VERSION",
    "DECISION_ATTRIBUTES",
    "EVENT_ATTRIBUTES",
    "FAULTS",
    "METADATA",
    "OPERATIONS",
    "PAGINATORS",
    "SHAPES",
]
