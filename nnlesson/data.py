"""MNIST: the 60,000 training and 10,000 test digits the paper trains on (lesson 2 shows one).

Where the four files come from, first match wins:
  1. the folder named by the environment variable ``NNLESSON_DATA`` (it may be read-only, but it
     must exist: a typo is reported, never created);
  2. ``data/`` beside the package, in a checkout of the course;
  3. a download from the public mirrors, with a progress bar.
A file may be stored gzipped (``train-images-idx3-ubyte.gz``) or not, or as Kaggle's copy has it.
Every file is checked against the SHA-256 of the published original before it is used, so a
corrupt, truncated or wrong file is caught with a message that names it and says how to fix it. A
download is checked before it is written, and written atomically (a temporary name, then a
rename) with the umask's permissions, so a failed or interrupted download never leaves a file
behind that a later load would trust; a killed write's temporary file is removed later.

After the first load the parsed arrays are kept in ``mnist-uint8.npz`` (in the data folder, or in
``~/.cache/nnlesson`` when that folder is read-only), so that a second load takes a fraction of a
second. The cache is trusted only if its arrays re-derive the originals' SHA-256; else it is
rebuilt. :class:`Dataset` checks labels and pixels, whoever builds it.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import secrets
import stat
import sys
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .progress import ProgressBar

# The decompressed originals' SHA-256 and the IDX magic number: 2051 = images, 2049 = labels.
FILES = {
    "train_images": ("train-images-idx3-ubyte",
                     "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 2051),
    "train_labels": ("train-labels-idx1-ubyte",
                     "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 2049),
    "test_images": ("t10k-images-idx3-ubyte",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 2051),
    "test_labels": ("t10k-labels-idx1-ubyte",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 2049),
}
# Public copies of the original gzipped files (the original site often refuses downloads).
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
N_TRAIN, N_TEST = 60_000, 10_000  # MNIST's training and test images (the paper trains on all)
CACHE_NAME = "mnist-uint8.npz"
STALE_PART_SECONDS = 600  # a *.part file untouched this long has no writer left (see _clean_parts)
FIX = "Fix: run `python -m nnlesson data` with internet access, or copy the four MNIST files there"


class DataError(Exception):
    """A problem with the MNIST files; the message names the file and the fix."""


@dataclass
class Dataset:
    """Images as columns (the paper's x, pixel values in [0, 1]) and labels as digits 0..9.

    ``X_train`` has shape (784, 60000). In memory it is the transpose of an image-per-row array,
    so that a mini-batch of columns is one contiguous copy (``training.py`` relies on this).
    """
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    def __post_init__(self):
        """Check the arrays here, where data enters: a bad label or a NaN pixel found later costs a
        whole epoch, or trains silently (-1 indexes digit 9). Whole-number float labels (as a CSV
        gives them) are taken as integers; anything else wrong is a ValueError naming the array."""
        self.y_train, self.y_test = _labels(self.y_train, "y_train"), _labels(self.y_test, "y_test")
        self.X_train = _images(self.X_train, "X_train", self.y_train)
        self.X_test = _images(self.X_test, "X_test", self.y_test)
        if self.X_test.shape[0] != self.X_train.shape[0]:
            raise ValueError(f"X_test has {self.X_test.shape[0]} pixels per image but X_train has "
                             f"{self.X_train.shape[0]}. Fix: give both sets images of one size")

    def subset(self, n_train=None, n_test=None):
        """The first n_train training and n_test test examples (for quick runs in lessons)."""
        # Slices of arrays already checked: no second check (30 ms on the whole set, per run).
        subset = object.__new__(Dataset)
        subset.X_train, subset.y_train = self.X_train[:, :n_train], self.y_train[:n_train]
        subset.X_test, subset.y_test = self.X_test[:, :n_test], self.y_test[:n_test]
        return subset

    def __repr__(self):
        return (f"Dataset({self.X_train.shape[1]} training and {self.X_test.shape[1]} test images "
                f"of {self.X_train.shape[0]} pixels, {self.X_train.dtype})")


def _labels(y, name):
    """``y`` as int64 digits 0..9, or a ValueError saying which label is wrong and where."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} has shape {y.shape}; expected one label per image, shape (n,)")
    if np.issubdtype(y.dtype, np.floating):
        whole = np.isfinite(y) & (y == np.round(y))
        if not whole.all():
            i = np.flatnonzero(~whole)[0]
            raise ValueError(f"{name} holds a label that is not a whole number: {y[i]} at index "
                             f"{i}. Fix: a label is the digit 0..9 its image shows")
    elif not np.issubdtype(y.dtype, np.integer):  # bool, text, objects
        raise ValueError(f"{name} holds {y.dtype} values; expected integer labels 0..9")
    outside = (y < 0) | (y > 9)
    if outside.any():
        i = np.flatnonzero(outside)[0]
        raise ValueError(f"{name} holds labels outside 0..9: {y[i]} at index {i}. "
                         f"Fix: a label is the digit 0..9 its image shows")
    return y.astype(np.int64, copy=False)


def _images(X, name, y):
    """``X`` checked: one float image per column, as many as labels, every pixel finite."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} has shape {X.shape}; expected one image per column, "
                         f"shape (pixels, images)")
    if not np.issubdtype(X.dtype, np.floating):
        raise ValueError(f"{name} holds {X.dtype} values; expected pixels in [0, 1] as floats. "
                         f"Fix: scale them, e.g. X / 255")
    label_name = "y" + name[1:]
    if X.shape[1] != len(y):
        raise ValueError(f"{name} has {X.shape[1]} images (columns) but {label_name} has "
                         f"{len(y)} labels. Fix: give one label per image")
    # One sum finds any NaN or infinity (they survive it) without a mask as large as X; only a
    # sum that overflows or is not finite pays for the exact search.
    with np.errstate(over="ignore", invalid="ignore"):
        if not np.isfinite(X.sum()):
            bad = np.argwhere(~np.isfinite(X))
            if len(bad):
                pixel, image = bad[0]
                raise ValueError(f"{name} holds {X[pixel, image]} at pixel {pixel} of image "
                                 f"{image}. Fix: repair or drop that image")
    return X


def data_dir():
    """The folder the files are read from: ``$NNLESSON_DATA``, else ``data/`` in the checkout."""
    env = os.environ.get("NNLESSON_DATA")
    return Path(env).expanduser() if env else Path(__file__).resolve().parent.parent / "data"


def _check_data_env():
    """A typo in ``$NNLESSON_DATA`` is said, not created as a new folder to download into."""
    env = os.environ.get("NNLESSON_DATA")
    path = data_dir()
    if not env or path.is_dir():
        return
    if path.exists():
        raise DataError(f"NNLESSON_DATA={env} is a file, not a folder. Fix: set NNLESSON_DATA to "
                        f"the folder that holds the MNIST files (perhaps {path.parent})")
    raise DataError(f"NNLESSON_DATA={env}: the folder {path} does not exist. Fix: correct the "
                    f"path, or create the folder (mkdir -p {path}) to download MNIST into it")


def _candidate_dirs():
    """Where the files and the cache may be: the data folder, then the user's own cache folder.

    Never a folder under the system's temporary directory: every user may create it, so another
    user's files there (or the folder itself) would be trusted and shared.
    """
    xdg = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return [data_dir(), xdg / "nnlesson"]


def cache_dir():
    """A writable folder for downloads and the parsed cache: the data folder if we may write it."""
    data, own = _candidate_dirs()
    try:
        own.mkdir(parents=True, exist_ok=True)  # never the data folder: a typo must not appear
    except OSError:
        pass
    for folder in (data, own):
        # The mode bits as well as access(): root may write anywhere, but a folder with no write
        # bits (CI's copy of shared/) was made read-only on purpose.
        if folder.is_dir() and os.access(folder, os.W_OK) and folder.stat().st_mode & stat.S_IWUSR:
            return folder
    return None


def load_mnist(dtype=np.float32, mirrors=None, progress=True):
    """The whole MNIST as a :class:`Dataset`, pixels scaled to [0, 1] in ``dtype``."""
    raw = load_raw(mirrors=mirrors, progress=progress)
    scale = np.asarray(1 / 255, dtype=dtype)

    def images(a):  # (n, 28, 28) uint8 -> (784, n) columns, stored image-per-row
        return (a.reshape(len(a), -1) * scale).T
    return Dataset(images(raw["train_images"]), raw["train_labels"],  # labels become int64
                   images(raw["test_images"]), raw["test_labels"])


_memory = {}


def load_raw(mirrors=None, progress=True):
    """The four arrays as uint8, verified; parsed once, then read from the cache."""
    _check_data_env()
    if "raw" in _memory:
        return _memory["raw"]
    for folder in _candidate_dirs():
        _clean_parts(folder)
    cached, _ = _read_cache()
    if cached is None:
        cached = {key: load_file(key, mirrors=mirrors, progress=progress) for key in FILES}
        _write_cache(cached)
    _memory["raw"] = cached
    return cached


def _read_cache():
    """The four arrays and their cache's path, from the first cache that matches the files.

    A cache that does not match is skipped with a one-line notice on stderr (the caller rebuilds
    it): rolled labels keep every shape and would train at chance level without a word.
    """
    for path in (folder / CACHE_NAME for folder in _candidate_dirs()):
        if path.is_file():
            arrays, problem = _load_cache(path)
            if problem is None:
                return arrays, path
            print(f"note: {path} does not match the MNIST files ({problem}); rebuilding the cache "
                  f"from the files", file=sys.stderr)
    return None, None


def _load_cache(path):
    """(arrays, None) if each array re-derives its original file's published SHA-256, else
    (None, what is wrong). Re-deriving, not storing a digest beside the arrays, ties the cache to
    the originals: a stored digest could be edited along with the arrays. It costs ~0.1 s."""
    try:
        with np.load(path) as z:
            arrays = {key: z[key] for key in FILES}
    except Exception:  # a truncated zip, a missing array, a pickle: only a cache, so rebuild it
        return None, "it cannot be read"
    for key, (name, sha256, magic) in FILES.items():
        if _idx_sha256(arrays[key], magic) != sha256:
            return None, f"its {name} differs"
    return arrays, None


def _idx_sha256(array, magic):
    """The SHA-256 of the IDX file ``array`` was parsed from: its header rebuilt, then its bytes."""
    if array.dtype != np.uint8:
        return None
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    digest = hashlib.sha256(header)
    digest.update(np.ascontiguousarray(array))
    return digest.hexdigest()


def _write_cache(arrays):
    """Keep the arrays in the first writable folder; returns its path, or None if there is none."""
    folder = cache_dir()
    if folder is not None:  # nowhere writable: loading still works, just without a cache
        try:
            _atomic_write(folder / CACHE_NAME, lambda f: np.savez(f, **arrays))
            return folder / CACHE_NAME
        except OSError:
            pass
    return None


def load_file(key, folder=None, mirrors=None, sha256=None, progress=True):
    """One of the four files as a uint8 array, found locally or downloaded, always verified."""
    name, expected, magic = FILES[key]
    expected = sha256 or expected
    if not folder:
        _check_data_env()
    for f in [Path(folder)] if folder else _candidate_dirs():
        for path in _local_paths(f, name):
            if path.is_file():
                return parse(path.read_bytes(), str(path), expected, magic)
    target = Path(folder) if folder else cache_dir()
    if target is None:
        raise DataError(f"{name}: not found in {data_dir()} and no writable folder to download "
                        f"into. Fix: set NNLESSON_DATA to a folder that holds the MNIST files")
    return download(key, target, mirrors=mirrors, sha256=expected, progress=progress)


def _local_paths(folder, name):
    """Where a file may sit in a folder, gzipped or not: as named, or as Kaggle's copy has it, in
    a folder of that name (``train-images-idx3-ubyte/train-images-idx3-ubyte``) or with a dot
    (``train-images.idx3-ubyte``)."""
    for path in (folder / name, folder / name.replace("-idx", ".idx"), folder / name / name):
        yield from (path, path.with_name(path.name + ".gz"))


def download(key, folder, mirrors=None, sha256=None, progress=True):
    """Fetch ``<name>.gz`` from the first mirror that works, verify it, then write it atomically."""
    name, expected, magic = FILES[key]
    expected = sha256 or expected
    mirrors = mirrors or os.environ.get("NNLESSON_MIRRORS", "").split() or MIRRORS
    problems = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name + ".gz"
        try:
            body = _fetch(url, progress)
            array = parse(body, url, expected, magic)
        except (OSError, DataError) as e:  # URLError, a dropped connection, a bad body: next mirror
            problems.append(f"{url}: {_reason(e)}")
            continue
        _atomic_write(Path(folder) / (name + ".gz"), lambda f: f.write(body))
        return array
    raise DataError(f"{name}: not found in {data_dir()} and could not be downloaded "
                    f"({'; '.join(problems)}). {FIX}, or set NNLESSON_DATA to a folder holding them")


def _reason(e):
    if isinstance(e, urllib.error.URLError) and not isinstance(e, urllib.error.HTTPError):
        return f"no connection ({e.reason})"
    return str(e)


def _fetch(url, progress):
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


def _atomic_write(path, write):
    """Write to a temporary file in the same folder, then rename: readers see all or nothing.

    The file is created as open() would create it, so the umask sets its permissions (mkstemp's
    0600 would lock every student out of a folder a teacher downloaded into).
    """
    path = Path(path)
    _clean_parts(path.parent)
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _clean_parts(folder):
    """Remove the ``*.part`` files that a killed write left behind (SIGKILL skips every cleanup).

    Only our own names, and only files untouched for STALE_PART_SECONDS. A live writer touches its
    file at every chunk and a whole write takes seconds, so a file that old has no writer. The
    owner's pid is not used: a shared folder may be written from several machines, where a pid
    says nothing. Even a wrong guess is harmless: a writer whose file vanished fails at the rename
    and publishes nothing (its bytes went to the unlinked file), so nothing half-written is trusted.
    """
    names = "|".join(re.escape(n) for n in [CACHE_NAME] + [f[0] + ".gz" for f in FILES.values()])
    ours = re.compile(rf"(?:{names})\.[\w-]+\.part")
    try:
        entries = [e for e in os.scandir(folder) if ours.fullmatch(e.name)]
    except OSError:  # no such folder, or not ours to read
        return
    for entry in entries:
        try:
            if time.time() - entry.stat().st_mtime > STALE_PART_SECONDS:
                os.unlink(entry.path)
        except OSError:  # another process removed it first, or the folder is read-only
            pass


def verify(mirrors=None, progress=True):
    """Verify the four files and the cache (``python -m nnlesson data``); a line for each."""
    _check_data_env()
    for folder in _candidate_dirs():
        _clean_parts(folder)
    lines, arrays = [], {}
    for key, (name, _, _) in FILES.items():
        arrays[key] = array = load_file(key, mirrors=mirrors, progress=progress)
        lines.append(f"{name}: {array.shape[0]} {'images' if array.ndim == 3 else 'labels'}, "
                     f"SHA-256 ok")
    _, path = _read_cache()
    if path is not None:
        lines.append(f"{path}: the cache matches the four files")
    elif (path := _write_cache(arrays)) is not None:
        lines.append(f"{path}: the cache is written from the four files")
    else:
        lines.append(f"{CACHE_NAME}: no writable folder for a cache; each load parses the files")
    return lines
