"""Testing SWF code: the embedded server as pytest fixtures, time skipping, a drop-in for moto's SWF mock.

::

    # with the plugin (installed with swfkit; else ``pytest -p swfkit.testing.plugin``)
    def test_order(swf_env, swf_domain):
        swf = boto3.client("swf")                       # unmodified boto3 code
        swf.register_workflow_type(domain=swf_domain, ...)

    def test_reminder(swf_server, swf_env, swf_domain):
        ...
        swf_server.clock.advance(timedelta(days=7))     # every timer and timeout due fires now

    @mock_swf                                           # was: @moto.mock_aws
    def test_worker(): ...

This package starts nothing when imported; the fixtures live in ``swfkit.testing.plugin``.
"""
from swfkit.testing.embedded import SWFTestServer
from swfkit.testing.mock import MockSWF, mock_swf
from swfkit.testing.time_skipping import SkippingClock

__all__ = ["MockSWF", "SWFTestServer", "SkippingClock", "mock_swf"]
