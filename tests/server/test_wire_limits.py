"""Account-level limits on a server of their own: 100 domains (registered + deprecated)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def endpoint():  # type: ignore[no-untyped-def]
    """A private server: this module fills it up on purpose."""
    from swfkit.server import running

    with running(db=None, poll_timeout=1.0) as url:
        yield url


def test_at_most_100_domains_including_deprecated(swf, flow):  # type: ignore[no-untyped-def]
    existing = sum(len(swf.list_domains(registrationStatus=s)["domainInfos"]) for s in ("REGISTERED", "DEPRECATED"))
    assert existing == 1  # the flow fixture's domain
    for i in range(99):
        swf.register_domain(name=f"limit-{i}", workflowExecutionRetentionPeriodInDays="1")
    swf.deprecate_domain(name="limit-0")  # deprecated domains still count
    assert flow.fault(swf.register_domain, name="one-too-many",
                      workflowExecutionRetentionPeriodInDays="1") == "LimitExceededFault"
    assert flow.fault(swf.describe_domain, name="one-too-many") == "UnknownResourceFault"
