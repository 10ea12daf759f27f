"""The SWF client: one method per API operation, signed with SigV4, retried, validated.

>>> from swfkit.layer1 import Layer1
>>> swf = Layer1(region="eu-west-1")                       # doctest: +SKIP
>>> swf.poll_for_decision_task(domain="d", task_list={"name": "main"})  # doctest: +SKIP
"""
import logging

from swfkit.layer1.client import Layer1

logging.getLogger("swfkit").addHandler(logging.NullHandler())

__all__ = ["Layer1"]
