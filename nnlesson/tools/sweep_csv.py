"""The sweep's CSV file (lesson 7): one line per result, kept safe across interruptions.

A full sweep is hours of someone's results on a slow machine, so the file is treated with care:

  * all the rows of one trained cell are written in one write (lr 1.0 is one network and two
    rows, one per paper figure), so an interruption cannot keep one of them and lose the other;
  * a line cut short by an interruption (or a crash) is dropped before anything is appended;
  * only one sweep at a time writes a file: it holds a lock on ``FILE.lock`` (the operating
    system releases it if the sweep dies), and a second sweep is refused in one line;
  * a file that is not a sweep CSV (other columns, not text) is refused and left untouched.

The ``variant`` column (lesson 8's hypotheses about the paper) came later: a file written
before it is still read, its rows being "ours", and appended to in its own columns, but only
with rows of "ours", so that different hypotheses never mix in one file.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

COLUMNS = ("batch_size", "lr", "figure", "seed", "init", "epochs", "dtype", "variant", "accuracy",
           "seconds")
HEADER = ",".join(COLUMNS)
OLD_COLUMNS = tuple(c for c in COLUMNS if c != "variant")  # files from before the variants


def cell_key(batch_size, lr, seed, init, epochs, dtype, variant="ours"):
    """What identifies a cell of a sweep: one trained network (one or two CSV rows)."""
    return (int(batch_size), round(float(lr), 9), int(seed), str(init), int(epochs), str(dtype),
            str(variant))


def row_key(r):
    """What identifies a CSV row (a dict): its cell and its paper figure."""
    cell = cell_key(r["batch_size"], r["lr"], r["seed"], r["init"], r["epochs"], r["dtype"],
                    r.get("variant", "ours"))
    return cell, r["figure"]


def _row(fields, columns=COLUMNS):
    """One CSV line's fields as a row dict with numbers typed, or None if it is not a whole row."""
    if len(fields) != len(columns):
        return None
    r = dict(zip(columns, fields))
    try:
        return dict(batch_size=int(r["batch_size"]), lr=float(r["lr"]),
                    figure=int(r["figure"]) if r["figure"] else "", seed=int(r["seed"]),
                    init=r["init"], epochs=int(r["epochs"]), dtype=r["dtype"],
                    variant=r.get("variant", "ours"), accuracy=float(r["accuracy"]),
                    seconds=float(r["seconds"]))
    except ValueError:
        return None


def _columns(data):
    """The columns a sweep CSV's bytes were written with: its header's, if it is an old one."""
    return OLD_COLUMNS if data.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").rstrip(b"\r") \
        == ",".join(OLD_COLUMNS).encode() else COLUMNS


def _not_ours(path, why):
    return ValueError(f"{path} is not a sweep CSV ({why}); choose another --out")


def _parse(text, path):
    """The rows of a sweep CSV's text. Lines that are not whole rows are skipped."""
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise _not_ours(path, e) from None
    if not lines:
        return []
    columns = tuple(lines[0])
    if columns not in (COLUMNS, OLD_COLUMNS):
        raise _not_ours(path, f"its columns are {lines[0]}, expected {list(COLUMNS)}")
    return [row for row in (_row(fields, columns) for fields in lines[1:]) if row is not None]


def _examine(data, path):
    """A sweep CSV's bytes -> (its rows, the bytes it should hold).

    Those are ``data`` itself, or ``data`` + newline when the last line is a whole row but lacks
    its newline (saved so by an editor; if it was cut short, only its seconds can be, as they
    come last), or ``data`` without its last line when that line was cut short by an
    interruption. A file that is not a sweep CSV raises a one-line ValueError.
    """
    end = data.rfind(b"\n") + 1
    try:
        if b"\0" in data:
            raise UnicodeError
        text = data[:end].decode("utf-8-sig")  # -sig: a spreadsheet may have saved a BOM
        # A line cut short may end inside a character (final=False allows that, nothing else).
        line = codecs.getincrementaldecoder("utf-8-sig" if end == 0 else "utf-8")().decode(
            data[end:], final=False)
    except UnicodeError:
        raise _not_ours(path, "it is not text") from None
    fields = next(csv.reader([line]), [])
    if not line:
        return _parse(text, path), data
    if not text:  # one line and no newline: our header, whole or cut, or another file
        if tuple(fields) in (COLUMNS, OLD_COLUMNS):
            return [], data + b"\n"
        if HEADER.startswith(line):
            return [], b""
        raise _not_ours(path, f"its columns are {fields}, expected {list(COLUMNS)}")
    rows, last = _parse(text, path), _row(fields, _columns(data))
    if last is not None:
        return rows + [last], data + b"\n"
    return rows, data[:end]


def _read(path):
    """The file's bytes; b"" if it does not exist."""
    if os.path.isdir(path):
        raise ValueError(f"{path} is a folder, not a CSV; give --out a file name such as "
                         f"{os.path.join(path, 'sweep.csv')}")
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""
    except OSError as e:
        raise ValueError(f"cannot read {path} ({e.strerror}); choose another --out") from None


def read_results(path):
    """The rows of a sweep CSV as dicts with numbers typed; [] if the file does not exist.

    A last line cut short by an interruption is ignored (its cell is simply trained again).
    """
    return _examine(_read(path), path)[0]


# ---- writing: one sweep at a time ----

def _try_lock(f):
    """Lock the open lock file without waiting; False if another process holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
    else:  # Windows: a lock on the file's first byte
        f.seek(0)
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
    return True


def _lock(path):
    """Hold ``path.lock`` for this process (with our pid in it), or refuse in one line."""
    lock_path = path + ".lock"
    while True:
        try:
            f = open(lock_path, "a+")
            locked = _try_lock(f)
        except OSError as e:
            raise ValueError(f"cannot write {lock_path} ({e.strerror}); choose another --out") \
                from None
        if not locked:
            try:
                f.seek(0)
                pid = f.read().strip()
            except OSError:  # Windows: the holder's lock keeps us from reading it
                pid = ""
            f.close()
            raise ValueError(f"another sweep is writing {path}" + (f" (pid {pid})" if pid else "")
                             + "; wait for it to finish or choose another --out")
        try:  # the lock file we locked may have been removed by a sweep finishing just now
            if os.path.samestat(os.fstat(f.fileno()), os.stat(lock_path)):
                break
        except FileNotFoundError:
            pass
        f.close()
    f.seek(0)
    f.truncate()
    f.write(f"{os.getpid()}\n")
    f.flush()
    return f


def _unlock(f, path):
    """Remove the lock file, then release it (closing the file releases the lock)."""
    try:
        os.remove(path + ".lock")
    except OSError:  # Windows cannot remove an open file: it stays, unlocked
        pass
    f.close()


def _open_repaired(path):
    """Open the CSV to append, repaired as :func:`_examine` says (a cut last line dropped), with
    the header written if it is new. Returns (file, rows in it, its columns)."""
    try:
        f = open(path, "a+b", buffering=0)
    except OSError as e:
        raise ValueError(f"cannot write {path} ({e.strerror}); choose another --out") from None
    try:
        f.seek(0)
        data = f.read()
        rows, good = _examine(data, path)
        if len(good) < len(data):
            f.truncate(len(good))
        f.write(good[len(data):])
        if not good:
            f.write(HEADER.encode() + b"\n")
    except BaseException:
        f.close()
        raise
    return f, rows, _columns(good)


class Results:
    """A sweep CSV open for appending: ``rows`` were in it when it was opened, ``columns`` are
    its header's (``OLD_COLUMNS`` for a file from before the variants)."""

    def __init__(self, f, rows, columns=COLUMNS, path=""):
        self._file, self.rows, self.columns, self.path = f, rows, columns, path

    def check_variant(self, variant):
        """A one-line ValueError if rows of ``variant`` cannot go into this file."""
        if "variant" not in self.columns and variant != "ours":
            raise ValueError(f"{self.path} was written before --variant existed, so it holds only "
                             f"'ours'; choose another --out for --variant {variant}")

    def write(self, rows):
        """Append rows (one cell's) in one write, so that they are all in the file or none."""
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows([[r[c] for c in self.columns]
                                                         for r in rows])
        data = text.getvalue().encode()
        while data:  # an unbuffered write may, rarely, write only part: write the rest
            data = data[self._file.write(data):]


@contextmanager
def writing(path):
    """``with writing(path) as results:`` holds the CSV for this sweep alone, repaired and ready
    to append to. Raises a one-line ValueError if it cannot: another sweep holds it, it is not a
    sweep CSV, or it cannot be written."""
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        try:
            os.makedirs(folder)
        except OSError as e:
            raise ValueError(f"cannot make the folder {folder} ({e.strerror}); choose another "
                             f"--out") from None
    _read(path)  # a folder or an unreadable file: say so before taking the lock
    lock = _lock(path)
    try:
        f, rows, columns = _open_repaired(path)
        try:
            yield Results(f, rows, columns, path)
        finally:
            f.close()
    finally:
        _unlock(lock, path)
