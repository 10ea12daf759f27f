from __future__ import annotations

import pickle

import pytest

from swfkit import exceptions
from swfkit.spec import FAULTS


@pytest.mark.parametrize("fault", FAULTS)
def test_every_model_fault_has_its_own_class(fault: str) -> None:
    error = exceptions.service_error(fault, "boom", request_id="rid", status_code=400, operation="Op")
    assert type(error).__name__ == fault
    assert isinstance(error, exceptions.SWFFault)
    assert (error.code, error.message, error.request_id, error.status_code, error.operation) == (
        fault, "boom", "rid", 400, "Op")


def test_unmodelled_code_is_a_generic_service_error() -> None:
    error = exceptions.service_error("BrandNewFault", "new")
    assert type(error) is exceptions.ServiceError
    assert error.code == "BrandNewFault"
    assert isinstance(error, exceptions.SWFError)


def test_errors_survive_pickling_with_their_fields() -> None:
    error = exceptions.service_error("UnknownResourceFault", "gone", request_id="r1", operation="Op")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.code, copy.request_id, copy.operation) == (exceptions.UnknownResourceFault, "UnknownResourceFault", "r1", "Op")
    validation = pickle.loads(pickle.dumps(exceptions.ValidationError("StartTimer", "timerId", "must not be empty")))
    assert (validation.operation, validation.path, validation.rule) == ("StartTimer", "timerId", "must not be empty")
    assert isinstance(validation, ValueError)


def test_throttling_and_internal_failures_are_retryable() -> None:
    assert exceptions.service_error("ThrottlingException").retryable
    assert exceptions.service_error("Throttling").retryable
    assert exceptions.service_error("InternalFailure").retryable
    assert not exceptions.service_error("UnknownResourceFault").retryable


def test_non_deterministic_error_carries_both_sides_across_pickling() -> None:
    error = exceptions.NonDeterministicWorkflowError(
        "mismatch", event_id=5, what="activity 'a-1'", recorded=("add", "1"), requested=("mul", "1"))
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.event_id, copy.what, copy.recorded, copy.requested, str(copy)) == (
        5, "activity 'a-1'", ("add", "1"), ("mul", "1"), "mismatch")
