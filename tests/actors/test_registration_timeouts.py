"""Registration defaults take the same timeout forms as the decisions that later carry them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from swfkit.actors.registration import timeout_text
from swfkit.exceptions import ValidationError


@pytest.mark.parametrize("value, wire", [(60, "60"), (0, "0"), (timedelta(minutes=2), "120"), ("NONE", "NONE"), ("15", "15"), (None, None)])
def test_accepted_forms(value, wire) -> None:
    assert timeout_text(value, "RegisterActivityType", "defaultTaskStartToCloseTimeout") == wire


@pytest.mark.parametrize("value", [60.0, 1.5, -1, True, timedelta(seconds=1.5), "1.5", "60\n", "abc", "123456789"])
def test_refused_forms_name_the_field(value) -> None:
    with pytest.raises(ValidationError) as caught:
        timeout_text(value, "RegisterActivityType", "defaultTaskStartToCloseTimeout")
    assert caught.value.path == "defaultTaskStartToCloseTimeout"
    assert caught.value.operation == "RegisterActivityType"
