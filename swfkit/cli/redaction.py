"""Keep secrets out of everything the CLI logs: a filter on its log handler masks them.

The secrets are the ones the command can know of: a ``--credentials KEY_ID:SECRET`` of
``swfkit server``, and the secret key and session token of the environment. A session token from
a profile is masked where botocore's debug lines show it (the ``x-amz-security-token`` header).
"""
from __future__ import annotations

import logging
import re
from typing import Iterable, List, Mapping, Sequence

__all__ = ["SecretMask", "secrets_in", "mask", "redact_argv"]

SECRET_ENVIRONMENT = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
MASK = "****"
#: Shorter values are dummies ("x"): masking them would garble every line and protect nothing.
MIN_SECRET_LENGTH = 4
_TOKEN_HEADER = re.compile(r"(x-amz-security-token['\"]?\s*[:=]\s*b?['\"]?)([^'\"\s,}]+)", re.IGNORECASE)


def _credential_secrets(argv: Sequence[str]) -> List[str]:
    found = []
    for index, word in enumerate(argv):
        value = None
        if word == "--credentials" and index + 1 < len(argv):
            value = argv[index + 1]
        elif word.startswith("--credentials="):
            value = word[len("--credentials="):]
        if value is not None:
            key_id, sep, secret = value.partition(":")
            found.append(secret if sep else key_id)  # no colon: the whole value may be the secret
    return found


def secrets_in(argv: Sequence[str], environ: Mapping[str, str]) -> List[str]:
    """The secrets a command run with ``argv`` in ``environ`` may come across.

    Args:
        argv: the command's arguments (``sys.argv[1:]``).
        environ: its environment (``os.environ``).

    Returns:
        The distinct secrets worth masking, longest first (so a secret that contains another is
        masked whole).
    """
    values = _credential_secrets(argv) + [environ.get(name, "") for name in SECRET_ENVIRONMENT]
    return sorted({v for v in values if len(v) >= MIN_SECRET_LENGTH}, key=len, reverse=True)


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every one of ``secrets`` and any security-token header value masked."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return _TOKEN_HEADER.sub(lambda m: m.group(1) + MASK, text)


def redact_argv(argv: Sequence[str]) -> List[str]:
    """``argv`` with the secret of every ``--credentials`` masked (the key id is kept)."""
    result = list(argv)
    for index, word in enumerate(result):
        if word == "--credentials" and index + 1 < len(result):
            result[index + 1] = result[index + 1].partition(":")[0] + ":" + MASK
        elif word.startswith("--credentials="):
            result[index] = "--credentials=" + word[len("--credentials="):].partition(":")[0] + ":" + MASK
    return result


class SecretMask(logging.Filter):
    """A handler filter that rewrites each record with the secrets masked (message and traceback)."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = list(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message, self.secrets)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, self.secrets)
        return True
