"""The identity an actor reports to SWF when it polls (shown in ActivityTaskStarted etc.).

By default a compact JSON object ``{"hostname": ..., "pid": ...}``, merged with the JSON object
found in the ``SWFKIT_IDENTITY`` environment variable (its keys win), so operators can tag a
fleet (``SWFKIT_IDENTITY='{"fleet": "batch", "zone": "a"}'``) without touching code.
"""
from __future__ import annotations

import json
import os
import socket
from typing import Any, Dict, Optional

from ..exceptions import ConfigurationError
from ..spec.limits import MAX_NAME_LENGTH

#: The environment variable merged into the default identity.
IDENTITY_ENVIRONMENT_VARIABLE = "SWFKIT_IDENTITY"
#: SWF's limit on ``identity`` (same as a name: 256 characters).
MAX_IDENTITY_LENGTH = MAX_NAME_LENGTH


def default_identity(environ: Optional[Dict[str, str]] = None) -> str:
    """Build this process's identity: hostname and pid, merged with ``SWFKIT_IDENTITY``.

    Args:
        environ: the environment to read (``os.environ`` when omitted).

    Returns:
        Compact JSON text of at most 256 characters.

    Raises:
        ConfigurationError: ``SWFKIT_IDENTITY`` is not a JSON object, or the result is too long.
    """
    env = os.environ if environ is None else environ
    fields: Dict[str, Any] = {"hostname": socket.gethostname(), "pid": os.getpid()}
    extra = env.get(IDENTITY_ENVIRONMENT_VARIABLE)
    if extra:
        try:
            parsed = json.loads(extra)
        except ValueError as err:
            raise ConfigurationError(
                "%s must hold a JSON object, e.g. '{\"fleet\": \"batch\"}': %s"
                % (IDENTITY_ENVIRONMENT_VARIABLE, err)) from None
        if not isinstance(parsed, dict):
            raise ConfigurationError("%s must hold a JSON object, not %s"
                                     % (IDENTITY_ENVIRONMENT_VARIABLE, type(parsed).__name__))
        fields.update(parsed)
    text = json.dumps(fields, separators=(",", ":"), sort_keys=False, ensure_ascii=False)
    if len(text) > MAX_IDENTITY_LENGTH:
        raise ConfigurationError("identity built from hostname, pid and %s is %d characters; SWF allows at most %d"
                                 % (IDENTITY_ENVIRONMENT_VARIABLE, len(text), MAX_IDENTITY_LENGTH))
    return text


def check_identity(identity: str) -> str:
    """Return ``identity`` if SWF accepts it, else raise ``ConfigurationError`` naming the rule."""
    if not isinstance(identity, str):
        raise ConfigurationError("identity must be a string, not %s" % type(identity).__name__)
    if len(identity) > MAX_IDENTITY_LENGTH:
        raise ConfigurationError("identity is %d characters; SWF allows at most %d"
                                 % (len(identity), MAX_IDENTITY_LENGTH))
    return identity
