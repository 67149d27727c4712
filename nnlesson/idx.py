"""One IDX file, the format MNIST is published in: fetched, parsed, verified and written safely.

Nothing here knows which four files MNIST has or where they live (:mod:`nnlesson.mnist_files`
does); every failure is a :class:`DataError` whose message names the file and the fix.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import secrets
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from .progress import ProgressBar


class DataError(Exception):
    """A problem with the MNIST files; the message names the file and the fix."""


def reason(e):
    """Why a download failed, in a few words."""
    if isinstance(e, urllib.error.URLError) and not isinstance(e, urllib.error.HTTPError):
        return f"no connection ({e.reason})"
    return str(e)


def fetch(url, progress):
    """The bytes at ``url``, with a progress bar; a DataError if the connection closes early."""
    with urllib.request.urlopen(url, timeout=30) as response:
        total = int(response.headers.get("Content-Length") or 0)
        chunks, got = [], 0
        bar = ProgressBar(total or None, f"downloading {url.rsplit('/', 1)[-1]}", unit="B",
                          enabled=progress)
        while chunk := response.read(1 << 16):
            chunks.append(chunk)
            got += len(chunk)
            bar.update(got)
        bar.close(got)
    if total and got != total:
        raise DataError(f"the connection closed after {got} of {total} bytes")
    return b"".join(chunks)


def parse(raw, source, sha256, magic):
    """Bytes of an IDX file (gzipped or not) -> verified uint8 array, or a DataError saying why."""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as e:
            raise DataError(f"{source}: the gzip data is truncated or corrupt ({e}). "
                            f"Fix: delete it and run `python -m nnlesson data` to fetch a fresh copy")
    if raw.lstrip()[:15].lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<head")):
        raise DataError(f"{source}: got an HTML page instead of MNIST data (a login page, an error "
                        f"page or a moved mirror). Fix: delete it and run `python -m nnlesson data`")
    array = _parse_idx(raw, source, magic)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        raise DataError(f"{source}: SHA-256 {digest[:12]}... does not match the original MNIST "
                        f"file ({sha256[:12]}...). Fix: delete it and run `python -m nnlesson data`")
    return array


def _parse_idx(raw, source, magic):
    """IDX: a 4-byte big-endian magic (0x0000 08 ndim), ndim big-endian sizes, then uint8 data."""
    kind = "images" if magic == 2051 else "labels"
    fix = "Fix: delete it and run `python -m nnlesson data`"
    if len(raw) < 8 or int.from_bytes(raw[:4], "big") != magic:
        found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
        raise DataError(f"{source}: not an MNIST {kind} file (IDX magic number {found}, "
                        f"expected {magic}). {fix}")
    ndim = raw[3]
    header = 4 + 4 * ndim
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    expected_dims = 3 if kind == "images" else 1
    if len(dims) != expected_dims or (kind == "images" and dims[1:] != [28, 28]):
        raise DataError(f"{source}: IDX header says shape {dims}, expected "
                        f"{'(n, 28, 28)' if kind == 'images' else '(n,)'}. {fix}")
    size = int(np.prod(dims))
    if len(raw) != header + size:
        raise DataError(f"{source}: {len(raw) - header} bytes of data where the header promises "
                        f"{size} (truncated or padded). {fix}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def atomic_write(path, write):
    """Write to a temporary file in the same folder, then rename: readers see all or nothing.

    The file is created as open() would create it, so the umask sets its permissions (mkstemp's
    0600 would lock every student out of a folder a teacher downloaded into).
    """
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
