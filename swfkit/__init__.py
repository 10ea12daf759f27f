"""swfkit: a minimal, layered toolkit for Amazon Simple Workflow Service.

Layers, each importing only those below it::

    swfkit.futures    workflows as plain Python with futures (optional)
    swfkit.actors     Decider, Worker, Heartbeater
    swfkit.history    typed events, History, the fold into ExecutionState
    swfkit.decisions  decision builders and their validation
    swfkit.models     Domain, WorkflowType, ActivityType, WorkflowExecution
    swfkit.layer1     the SWF client, one method per API operation
    swfkit.server     an embedded SWF-compatible service

Importing ``swfkit`` imports none of them: import what you use.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
