"""The four MNIST files: found on disk or downloaded, checked, parsed and cached (lesson 2).

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
rebuilt.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
import time
from pathlib import Path

import numpy as np

from .idx import DataError, atomic_write, fetch, parse, reason

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
CACHE_NAME = "mnist-uint8.npz"
STALE_PART_SECONDS = 600  # a *.part file untouched this long has no writer left (see _clean_parts)
FIX = "Fix: run `python -m nnlesson data` with internet access, or copy the four MNIST files there"




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
            _write_atomically(folder / CACHE_NAME, lambda f: np.savez(f, **arrays))
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
            body = fetch(url, progress)
            array = parse(body, url, expected, magic)
        except (OSError, DataError) as e:  # URLError, a dropped connection, a bad body: next mirror
            problems.append(f"{url}: {reason(e)}")
            continue
        _write_atomically(Path(folder) / (name + ".gz"), lambda f: f.write(body))
        return array
    raise DataError(f"{name}: not found in {data_dir()} and could not be downloaded "
                    f"({'; '.join(problems)}). {FIX}, or set NNLESSON_DATA to a folder holding them")


def _write_atomically(path, write):
    """``idx.atomic_write``, after clearing the folder of what killed writes left there."""
    _clean_parts(Path(path).parent)
    atomic_write(path, write)


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
