"""SWF's service limits and identifier rules, shared by the client side and the embedded server.

Sources: the SWF Developer Guide quotas page and the model's documentation
(see ../shared/swf-semantics.md section 5). Only data lives here, no behaviour.
"""
from __future__ import annotations

import re

#: Largest ``input``/``result``/``details``/``control``/``executionContext`` (``Data`` shape).
MAX_DATA_LENGTH = 32_768
#: Largest heartbeat ``details`` and ``ActivityTaskTimedOut.details`` (``LimitedData``).
MAX_LIMITED_DATA_LENGTH = 2_048
#: Largest ``reason`` (fail workflow, activity task failed, terminate).
MAX_REASON_LENGTH = 256
MAX_DESCRIPTION_LENGTH = 1_024
MAX_NAME_LENGTH = 256
MAX_VERSION_LENGTH = 64
MAX_RUN_ID_LENGTH = 64
MAX_TASK_TOKEN_LENGTH = 1_024
MAX_TAGS_PER_EXECUTION = 5
MAX_RESOURCE_TAGS_PER_DOMAIN = 50
MAX_PAGE_SIZE = 1_000
MAX_HISTORY_EVENTS = 25_000
MAX_OPEN_ACTIVITIES = 1_000
MAX_OPEN_TIMERS = 1_000
MAX_OPEN_CHILDREN = 1_000
MAX_OPEN_LAMBDA_FUNCTIONS = 50
MAX_OPEN_EXECUTIONS_PER_DOMAIN = 100_000
MAX_POLLERS_PER_TASK_LIST = 1_000
MAX_REQUEST_BYTES = 1_048_576
#: Every timeout, ``NONE`` included, is capped at one year.
MAX_TIMEOUT_SECONDS = 31_536_000
MAX_RETENTION_DAYS = 90
#: A long poll is held at most this long before an empty answer.
LONG_POLL_SECONDS = 60
#: Clients must wait longer than a long poll before giving up on the socket.
LONG_POLL_READ_TIMEOUT_SECONDS = 70
DEFAULT_LAMBDA_START_TO_CLOSE_SECONDS = 900
TASK_PRIORITY_MIN = -2_147_483_648
TASK_PRIORITY_MAX = 2_147_483_647

#: Characters SWF refuses in identifiers: ``:`` ``/`` ``|`` and the C0/C1 control characters.
FORBIDDEN_IDENTIFIER_CHARACTERS = re.compile("[:/|\u0000-\u001f\u007f-\u009f]")
#: An identifier may not be this literal string.
FORBIDDEN_IDENTIFIER = "arn"
#: Tags may hold letters, digits, white space and these: ``_ . : / = + - @``.
TAG_PATTERN = re.compile(r"[\w\s.:/=+\-@]*\Z")
#: A timeout is a string of decimal seconds (at most 8 characters) or ``NONE``.
TIMEOUT_PATTERN = re.compile(r"(?:[0-9]{1,8}|NONE)\Z")

#: How to get past the payload limits, for every "too long" error (see swfkit.payloads).
OFFLOAD_HINT = ("configure a payload store to offload it (SWFKIT_PAYLOAD_STORE=s3://bucket/prefix or "
                "file:///dir, or a swfkit.payloads.Payloads)")
