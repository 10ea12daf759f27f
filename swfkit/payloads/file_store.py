"""``FileStore``: payloads as files in one directory (a shared volume, or tests and local runs)."""
from __future__ import annotations

import os
import tempfile
from typing import Union

from swfkit.exceptions import ConfigurationError, PayloadNotFoundError, PayloadStoreError
from swfkit.payloads.payload_references import Reference
from swfkit.payloads.payload_store import DEFAULT_MAX_SIZE

__all__ = ["FileStore"]


class FileStore:
    """Values as files named by their content key in ``directory``.

    Writes go to a temporary file renamed into place, so a reader (or another process writing the
    same value) never sees half a file.

    Args:
        directory: where values are stored (created if missing); must be absolute once resolved.
        max_size: the largest value in bytes (default 64 MiB).
    """

    kind = "file"
    scheme = "swfkit+file"

    def __init__(self, directory: Union[str, "os.PathLike[str]"], *, max_size: int = DEFAULT_MAX_SIZE) -> None:
        if not directory:
            raise ConfigurationError("FileStore: directory: give the directory to store payloads in")
        self.directory = os.path.abspath(os.fspath(directory))
        self.max_size = max_size

    def __repr__(self) -> str:
        return "FileStore(%r)" % self.directory

    def path(self, key: str) -> str:
        """The file holding ``key``."""
        return os.path.join(self.directory, key)

    def url(self, key: str) -> str:
        return "%s://%s" % (self.scheme, self.path(key))

    def put(self, key: str, data: bytes) -> None:
        target = self.path(key)
        try:
            os.makedirs(self.directory, exist_ok=True)
            if os.path.exists(target) and os.path.getsize(target) == len(data):
                return  # content-addressed: already there
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, target)
            except BaseException:
                _remove(temporary)
                raise
        except OSError as err:
            raise PayloadStoreError("FileStore %s: could not write %s: %s" % (self.directory, key, err)) from err

    def get(self, key: str) -> bytes:
        return self._read(self.path(key))

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))

    def fetch(self, reference: Reference) -> bytes:
        return self._read(reference.location)

    def _read(self, path: str) -> bytes:
        try:
            with open(path, "rb") as source:
                return source.read()
        except FileNotFoundError:
            raise PayloadNotFoundError("payload file %s does not exist" % path) from None
        except OSError as err:
            raise PayloadStoreError("payload file %s could not be read: %s" % (path, err)) from err


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
