"""Wait for an approval signal, but no longer than a timeout (a timer), whichever comes first.

A signal handler also counts every "ping" signal received while waiting.
"""
from __future__ import annotations

from typing import Any, Dict

from swfkit import futures


@futures.activity(task_list="approval-work", start_to_close_timeout=30)
def notify(text: str) -> str:
    return "notified: " + text


@futures.workflow(name="approval", task_list="approval-decisions")
class Approval:
    def __init__(self) -> None:
        self.pings = 0

    @futures.signal_handler("ping")
    def on_ping(self, input: Any) -> None:
        self.pings += 1

    def run(self, timeout: int) -> Dict[str, Any]:
        approval = self.wait_signal("approve")
        timer = self.timer(timeout)
        done, _ = futures.wait(approval, timer, return_when=futures.FIRST_COMPLETED)
        if approval in done:
            timer.cancel()
            message = self.submit(notify, "approved by %s" % approval.result()["by"]).result()
            return {"approved": True, "message": message, "pings": self.pings}
        self.record_marker("approval-timed-out", {"after": timeout})
        return {"approved": False, "message": self.submit(notify, "timed out").result(), "pings": self.pings}


if __name__ == "__main__":
    from embedded_run import embedded_endpoint, result_of, run_on_endpoint

    print("local, approved:  ", futures.run_local(Approval, 60, signals=[
        futures.LocalSignal("ping", None, at=1), futures.LocalSignal("approve", {"by": "ops"}, at=10)]))
    print("local, timed out: ", futures.run_local(Approval, 60))
    with embedded_endpoint() as url:
        close, _ = run_on_endpoint(url, Approval, 30, signals=[(0.5, "ping", None), (1.0, "approve", {"by": "ops"})])
        print("server, approved: ", result_of(close))
