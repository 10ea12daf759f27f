"""The order worker: runs the ``charge`` activity."""
from __future__ import annotations

import json
from typing import Any, Dict

from orders.registration import ACTIVITY_TASK_LIST


def charge(order: Dict[str, Any]) -> Dict[str, Any]:
    """Charge an order (here: compute a receipt)."""
    return {"order_id": order["order_id"], "charged": order["amount"], "currency": "EUR"}


def poll_and_work(swf: Any, domain: str) -> bool:
    """Take one activity task (long poll), run it, report; False if the poll came back empty."""
    task = swf.poll_for_activity_task(domain=domain, taskList={"name": ACTIVITY_TASK_LIST})
    if not task.get("taskToken"):
        return False
    try:
        result = charge(json.loads(task["input"]))
    except Exception as exc:  # report, never lose the task
        swf.respond_activity_task_failed(taskToken=task["taskToken"], reason=type(exc).__name__[:256],
                                         details=str(exc)[:32768])
    else:
        swf.respond_activity_task_completed(taskToken=task["taskToken"], result=json.dumps(result))
    return True
