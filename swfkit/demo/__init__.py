"""``swfkit demo``: a fan-out/fan-in workflow run end to end on the embedded server (or any SWF).

``swfkit.demo.fan_out`` holds the workflow (decider and worker), ``live_progress`` the progress
display, ``demo_run`` the orchestration (history lines and tables come from
``swfkit.cli.event_lines``). Importing this package imports none of them.
"""
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the checker sees the real names; at run time they load on first use
    from swfkit.demo.demo_run import DemoOptions, run_demo

__all__ = ["DemoOptions", "run_demo"]


def __getattr__(name: str) -> Any:  # lazy: importing the package loads no actors
    if name in __all__:
        from swfkit.demo import demo_run

        return getattr(demo_run, name)
    raise AttributeError(name)
