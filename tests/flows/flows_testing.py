"""What the flows tests share (a module of its own: ``conftest`` names collide across test folders)."""
from __future__ import annotations

import pathlib
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
EXAMPLES = HERE.parents[1] / "examples" / "flows"
DOMAIN = "flows-tests"


def client(endpoint_url: str) -> Any:
    from swfkit.layer1 import Layer1

    return Layer1(endpoint_url=endpoint_url, region="us-east-1", aws_access_key_id="tests",
                  aws_secret_access_key="tests")
