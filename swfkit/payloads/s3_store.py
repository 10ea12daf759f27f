"""``S3Store``: payloads as S3 objects, through botocore's S3 client (imported on first use).

Region and credentials resolve as for the SWF client (``swfkit.layer1.endpoints``: arguments, the
environment, then botocore's chain and profile); ``AWS_ENDPOINT_URL_S3`` or ``endpoint_url`` point
it at an S3-compatible store. botocore retries throttling and connection faults with backoff
(``max_attempts``); what still fails becomes a ``PayloadStoreError``, a missing object a
``PayloadNotFoundError``. No botocore exception reaches the caller.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Dict, Optional

from swfkit.exceptions import ConfigurationError, PayloadNotFoundError, PayloadStoreError
from swfkit.payloads.payload_references import S3_SCHEMES, Reference
from swfkit.payloads.payload_store import DEFAULT_MAX_SIZE

__all__ = ["S3Store"]

_NOT_FOUND = frozenset({"NoSuchKey", "404", "NotFound"})
SSE_CHOICES = ("AES256", "aws:kms")


class S3Store:
    """Values as objects ``prefix/<sha256>`` in ``bucket``.

    Args:
        bucket: the bucket (it must exist).
        prefix: key prefix, e.g. ``"swf-payloads"`` (no leading or trailing ``/`` needed).
        sse: server-side encryption, ``"AES256"`` or ``"aws:kms"`` (None: the bucket's default).
        kms_key_id: the KMS key with ``sse="aws:kms"`` (None: the account's default key).
        region, profile: as for ``Layer1`` (default: the environment, then the profile).
        endpoint_url: an S3-compatible endpoint (default: ``AWS_ENDPOINT_URL_S3``, else AWS).
        max_attempts: attempts per request, first included (botocore's standard retry mode).
        max_size: the largest value in bytes (default 64 MiB).
        reference_scheme: ``"swfkit+s3"``, or ``"simpleflow+s3"`` for references simpleflow reads.
    """

    kind = "s3"

    def __init__(self, bucket: str, *, prefix: str = "", sse: Optional[str] = None, kms_key_id: Optional[str] = None,
                 region: Optional[str] = None, profile: Optional[str] = None, endpoint_url: Optional[str] = None,
                 max_attempts: int = 5, max_size: int = DEFAULT_MAX_SIZE,
                 reference_scheme: str = "swfkit+s3") -> None:
        if not bucket or "/" in bucket:
            raise ConfigurationError("S3Store: bucket: give a bucket name (no '/'), got %r" % (bucket,))
        if sse is not None and sse not in SSE_CHOICES:
            raise ConfigurationError("S3Store: sse: must be one of %s, got %r" % (", ".join(SSE_CHOICES), sse))
        if reference_scheme not in S3_SCHEMES:
            raise ConfigurationError("S3Store: reference_scheme: must be one of %s, got %r"
                                     % (", ".join(sorted(S3_SCHEMES)), reference_scheme))
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.sse = sse
        self.kms_key_id = kms_key_id
        self.region = region
        self.profile = profile
        self.endpoint_url = endpoint_url
        self.max_attempts = max_attempts
        self.max_size = max_size
        self.scheme = reference_scheme
        self._client: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "S3Store(%r, prefix=%r)" % (self.bucket, self.prefix)

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state["_client"] = None  # clients and locks stay in their process
        state["_lock"] = None
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        """The botocore S3 client, made on first use."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        import botocore.config

        from swfkit.layer1.endpoints import Configuration

        configuration = Configuration(self.profile)
        region = configuration.region(self.region)
        endpoint = self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or None
        config = botocore.config.Config(retries={"mode": "standard", "max_attempts": self.max_attempts},
                                        connect_timeout=10, read_timeout=60,
                                        s3={"addressing_style": "path"} if endpoint else None)
        return configuration.session.create_client("s3", region_name=region, endpoint_url=endpoint, config=config)

    def object_key(self, key: str) -> str:
        """The S3 key of content key ``key``."""
        return "%s/%s" % (self.prefix, key) if self.prefix else key

    def url(self, key: str) -> str:
        return "%s://%s/%s" % (self.scheme, self.bucket, self.object_key(key))

    def put(self, key: str, data: bytes) -> None:
        arguments: Dict[str, Any] = {"Bucket": self.bucket, "Key": self.object_key(key), "Body": data}
        if self.sse:
            arguments["ServerSideEncryption"] = self.sse
            if self.kms_key_id:
                arguments["SSEKMSKeyId"] = self.kms_key_id
        self._call("put_object", arguments, "s3://%s/%s" % (self.bucket, arguments["Key"]))

    def get(self, key: str) -> bytes:
        return self._read(self.bucket, self.object_key(key))

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", {"Bucket": self.bucket, "Key": self.object_key(key)},
                       "s3://%s/%s" % (self.bucket, self.object_key(key)))
        except PayloadNotFoundError:
            return False
        return True

    def fetch(self, reference: Reference) -> bytes:
        return self._read(reference.bucket, reference.key)

    def _read(self, bucket: str, key: str) -> bytes:
        answer = self._call("get_object", {"Bucket": bucket, "Key": key}, "s3://%s/%s" % (bucket, key))
        body = answer["Body"]
        try:
            data: bytes = body.read()
        except Exception as err:  # botocore's streaming errors, connection resets mid-body
            raise PayloadStoreError("S3 read of s3://%s/%s broke off: %s" % (bucket, key, err)) from err
        finally:
            body.close()
        return data

    def _call(self, operation: str, arguments: Dict[str, Any], where: str) -> Any:
        import botocore.exceptions

        try:
            return getattr(self.client, operation)(**arguments)
        except botocore.exceptions.ClientError as err:
            error = err.response.get("Error", {})
            code = str(error.get("Code", ""))
            if code in _NOT_FOUND:
                raise PayloadNotFoundError("payload object %s does not exist" % where) from None
            raise PayloadStoreError("S3 %s of %s failed: %s %s" % (operation, where, code,
                                                                   error.get("Message", ""))) from err
        except botocore.exceptions.BotoCoreError as err:
            raise PayloadStoreError("S3 %s of %s failed after %d attempts: %s"
                                    % (operation, where, self.max_attempts, err)) from err
