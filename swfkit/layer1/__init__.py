"""The SWF client: one method per API operation, signed with SigV4, retried, validated.

>>> from swfkit.layer1 import Layer1
>>> swf = Layer1(region="eu-west-1")                       # doctest: +SKIP
>>> swf.poll_for_decision_task(domain="d", task_list={"name": "main"})  # doctest: +SKIP

``AsyncLayer1`` is the same client for asyncio (``pip install 'swfkit[async]'``); it is imported
when first named, so programs using ``Layer1`` never import asyncio or aiohttp.
"""
import logging
from typing import TYPE_CHECKING, Any

from swfkit.layer1.client import Layer1

if TYPE_CHECKING:  # type checkers see the class; at run time it is imported when first named
    from swfkit.layer1.async_client import AsyncLayer1

logging.getLogger("swfkit").addHandler(logging.NullHandler())

__all__ = ["Layer1", "AsyncLayer1"]


def __getattr__(name: str) -> Any:
    if name == "AsyncLayer1":
        from swfkit.layer1.async_client import AsyncLayer1

        return AsyncLayer1
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
