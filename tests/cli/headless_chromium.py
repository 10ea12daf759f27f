"""Real headless Chromium for the timeline page tests: load a file, dump its DOM, screenshot it, and
read a PNG's pixels (zlib only: no imaging library is a test dependency)."""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from typing import List, Optional, Tuple

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_binary() -> str:
    """The Chromium binary; skips the test when there is none, except in CI (where .ci/run installs it)."""
    found: Optional[str] = None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("no chromium binary in CI: .ci/run installs Debian's chromium package")
    pytest.skip("no chromium binary (apt-get install chromium) to load the timeline page in a real browser")
    raise AssertionError("unreachable")


def _run(binary: str, profile: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *FLAGS, "--user-data-dir=%s" % profile, *args], capture_output=True,
                          timeout=180, check=True)


def dump_dom(binary: str, profile: str, url: str) -> str:
    """The DOM Chromium built for ``url``, serialized."""
    return _run(binary, profile, "--virtual-time-budget=5000", "--dump-dom", url).stdout.decode("utf-8")


def screenshot(binary: str, profile: str, url: str, path: str, size: Tuple[int, int] = (1440, 900)) -> None:
    """A PNG of ``url`` as Chromium renders it in a ``size`` window."""
    _run(binary, profile, "--hide-scrollbars", "--window-size=%d,%d" % size, "--screenshot=%s" % path, url)


def png_pixels(path: str) -> Tuple[int, int, List[Tuple[int, ...]]]:
    """(width, height, pixels) of an 8-bit RGB or RGBA PNG, pixels row by row."""
    with open(path, "rb") as handle:
        data = handle.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, header = 8, [], b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), "expected 8-bit RGB(A), got depth %d colour type %d" % (depth, colour)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows: List[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        previous = line
    pixels = [tuple(row[x:x + 3]) for row in rows for x in range(0, stride, channels)]
    return width, height, pixels
