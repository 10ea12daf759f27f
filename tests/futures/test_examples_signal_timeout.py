"""Example: waiting for a signal with a timeout timer — server and local."""
from __future__ import annotations

import signal_timeout
from conftest import attributes, event_types
from embedded_run import result_of, run_on_endpoint
from swfkit import futures


def test_signal_before_the_timeout_on_the_server(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, signal_timeout.Approval, 30,
                                  signals=[(0.3, "ping", None), (0.6, "approve", {"by": "ops"})])
    assert result_of(close) == {"approved": True, "message": "notified: approved by ops", "pings": 1}
    types = event_types(runs[0])
    assert "TimerCanceled" in types and "TimerFired" not in types


def test_timeout_before_the_signal_on_the_server(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, signal_timeout.Approval, 1)
    assert result_of(close) == {"approved": False, "message": "notified: timed out", "pings": 0}
    markers = [attributes(e) for e in runs[0] if e["eventType"] == "MarkerRecorded"]
    assert markers == [{"markerName": "approval-timed-out", "details": '{"after":1}',
                        "decisionTaskCompletedEventId": markers[0]["decisionTaskCompletedEventId"]}]


def test_signal_and_timeout_locally_in_virtual_time() -> None:
    approved = futures.run_local(signal_timeout.Approval, 3600, signals=[
        futures.LocalSignal("ping", None, at=5), futures.LocalSignal("ping", None, at=6),
        futures.LocalSignal("approve", {"by": "ops"}, at=600)])
    assert approved == {"approved": True, "message": "notified: approved by ops", "pings": 2}
    late = futures.run_local(signal_timeout.Approval, 60, signals=[futures.LocalSignal("approve", {"by": "x"}, at=61)])
    assert late["approved"] is False
