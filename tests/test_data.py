"""The MNIST loader: every failure a user can meet, and the download path against a local server."""
import gzip
import hashlib
import http.server
import os
import shutil
import stat
import tempfile
import threading
import time

import numpy as np
import pytest

from nnlesson import data, mnist_files
from nnlesson.idx import DataError, parse


def idx_bytes(kind="labels", n=5, seed=0):
    """A small, valid IDX file: magic, sizes, then uint8 data."""
    rng = np.random.default_rng(seed)
    if kind == "labels":
        header, body = (2049).to_bytes(4, "big") + n.to_bytes(4, "big"), rng.integers(0, 10, n)
    else:
        header = (2051).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in (n, 28, 28))
        body = rng.integers(0, 256, n * 784)
    return header + body.astype(np.uint8).tobytes()


def sha(raw):
    return hashlib.sha256(raw).hexdigest()


# ---- parsing: one clear DataError per kind of damage, naming the file ----

def test_a_good_file_parses_gzipped_or_not():
    raw = idx_bytes("images", 3)
    for blob in (raw, gzip.compress(raw)):
        a = parse(blob, "x", sha(raw), 2051)
        assert a.shape == (3, 28, 28) and a.dtype == np.uint8
        assert a.tobytes() == raw[16:]


@pytest.mark.parametrize("blob, message", [
    (gzip.compress(idx_bytes())[:-9], "truncated or corrupt"),
    (b"\x1f\x8b" + b"\x00" * 40, "truncated or corrupt"),
    (b"<!DOCTYPE html><html><body>Not Found</body></html>", "HTML page"),
    (gzip.compress(b"<html><head></head></html>"), "HTML page"),
    ((2051).to_bytes(4, "big") + b"\x00" * 20, "IDX magic number 2051, expected 2049"),
    (b"PK\x03\x04zipfile", "magic number"),
    (b"\x00\x00", "magic number None"),
    ((2049).to_bytes(4, "big") + (10).to_bytes(4, "big") + b"\x01" * 7, "truncated or padded"),
    (idx_bytes() + b"\x00", "truncated or padded"),
])
def test_damaged_files_get_a_clear_error_naming_the_file(blob, message):
    with pytest.raises(DataError, match=message) as err:
        parse(blob, "/some/where/train-labels-idx1-ubyte.gz", sha(idx_bytes()), 2049)
    assert str(err.value).startswith("/some/where/train-labels-idx1-ubyte.gz")
    assert "Fix:" in str(err.value)


def test_image_header_with_wrong_dimensions():
    raw = (2051).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in (1, 27, 29))
    with pytest.raises(DataError, match=r"shape \[1, 27, 29\]"):
        parse(raw + bytes(27 * 29), "f", sha(raw), 2051)


def test_checksum_mismatch_names_both_digests():
    raw = idx_bytes(seed=1)
    with pytest.raises(DataError, match="SHA-256 .* does not match"):
        parse(raw, "f", sha(idx_bytes(seed=2)), 2049)


# ---- a local HTTP server standing in for the mirrors ----

class Mirror(http.server.BaseHTTPRequestHandler):
    files = {}  # path -> bytes, filled by the fixture

    def do_GET(self):  # noqa: N802 (the name http.server asks for)
        mode, _, name = self.path.strip("/").partition("/")
        body = self.files.get(name)
        if mode == "missing" or body is None:
            self.send_error(404)
            return
        if mode == "html":
            body = b"<!doctype html><html><body>Please log in</body></html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # "die": the connection drops after half the promised bytes.
        self.wfile.write(body[:len(body) // 2] if mode == "die" else body)

    def log_message(self, *args):
        pass


@pytest.fixture
def mirror():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Mirror)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def labels(monkeypatch, tmp_path):
    """A small synthetic train-labels file served by the mirror, and its checksum."""
    raw = idx_bytes("labels", 50)
    Mirror.files = {"train-labels-idx1-ubyte.gz": gzip.compress(raw)}
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("NNLESSON_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return raw


def test_download_verifies_then_writes_atomically(mirror, labels, tmp_path):
    folder = tmp_path / "data"
    a = mnist_files.download("train_labels", folder, mirrors=[f"{mirror}/good/"], sha256=sha(labels),
                      progress=False)
    assert a.tobytes() == labels[8:]
    assert sorted(p.name for p in folder.iterdir()) == ["train-labels-idx1-ubyte.gz"]
    # A later load reads the stored file (the mirror is gone) and verifies it again.
    assert mnist_files.load_file("train_labels", folder=folder, mirrors=["http://127.0.0.1:9/"],
                          sha256=sha(labels)).tobytes() == labels[8:]


@pytest.mark.parametrize("mode, message", [
    ("die", "closed after"),
    ("html", "HTML page"),
    ("missing", "404"),
])
def test_failed_downloads_leave_nothing_behind(mirror, labels, tmp_path, mode, message):
    folder = tmp_path / "data"
    with pytest.raises(DataError, match=message) as err:
        mnist_files.download("train_labels", folder, mirrors=[f"{mirror}/{mode}/"], sha256=sha(labels),
                      progress=False)
    assert "train-labels-idx1-ubyte" in str(err.value) and "Fix:" in str(err.value)
    assert list(folder.iterdir()) == []


def test_a_bad_mirror_falls_through_to_the_next(mirror, labels, tmp_path):
    a = mnist_files.download("train_labels", tmp_path, mirrors=[f"{mirror}/html/", f"{mirror}/good/"],
                      sha256=sha(labels), progress=False)
    assert a.size == 50 and (tmp_path / "train-labels-idx1-ubyte.gz").exists()


def test_no_data_and_no_network(labels, tmp_path):
    with pytest.raises(DataError, match="no connection") as err:
        mnist_files.load_file("train_labels", mirrors=["http://127.0.0.1:9/"], progress=False)
    text = str(err.value)
    assert "train-labels-idx1-ubyte" in text and "NNLESSON_DATA" in text
    assert "python -m nnlesson data" in text


def test_a_corrupt_local_file_is_reported_not_trusted(labels, tmp_path):
    folder = tmp_path / "data"
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels)[:-20])
    with pytest.raises(DataError, match="truncated or corrupt") as err:
        mnist_files.load_file("train_labels", sha256=sha(labels), progress=False)
    assert str(folder / "train-labels-idx1-ubyte.gz") in str(err.value)


# ---- a made-up MNIST on disk: the folder, the cache, permissions, leftovers ----

@pytest.fixture
def tiny(monkeypatch, tmp_path):
    """A small made-up MNIST (30 training, 10 test images) in tmp/data, gzipped, with FILES'
    digests patched to match; a private cache folder, no network, nothing loaded yet."""
    folder = tmp_path / "data"
    folder.mkdir()
    files = {}
    for seed, (key, (name, _, magic)) in enumerate(mnist_files.FILES.items()):
        raw = idx_bytes("images" if magic == 2051 else "labels",
                        30 if key.startswith("train") else 10, seed=seed)
        (folder / (name + ".gz")).write_bytes(gzip.compress(raw))
        files[key] = (name, sha(raw), magic)
    monkeypatch.setattr(mnist_files, "FILES", files)
    monkeypatch.setattr(mnist_files, "_memory", {})
    monkeypatch.setenv("NNLESSON_DATA", str(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("NNLESSON_MIRRORS", "http://127.0.0.1:9/")
    return folder


def reload():
    mnist_files._memory.clear()
    return mnist_files.load_raw(progress=False)


@pytest.fixture
def umask():
    """Set the process's umask for one test, and put the old one back."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_downloads_and_the_cache_get_the_umasks_permissions(tiny, mirror, umask, mask, mode):
    """A teacher who downloads into a shared folder must not lock the students out (mkstemp
    made 0600)."""
    gz = tiny / "t10k-labels-idx1-ubyte.gz"
    Mirror.files = {gz.name: gz.read_bytes()}
    gz.unlink()
    umask(mask)
    mnist_files.load_raw(mirrors=[f"{mirror}/good/"], progress=False)
    assert stat.S_IMODE(gz.stat().st_mode) == mode
    assert stat.S_IMODE((tiny / mnist_files.CACHE_NAME).stat().st_mode) == mode


def rewrite_cache(path, change):
    with np.load(path) as z:
        arrays = {key: z[key] for key in z.files}
    change(arrays)
    np.savez(path, **arrays)


TAMPERINGS = {  # each keeps every shape, so a shape check alone trusts them all
    "train labels rolled by one": lambda a: a.update(train_labels=np.roll(a["train_labels"], 1)),
    "one test label changed": lambda a: a["test_labels"].__setitem__(3, 9 - a["test_labels"][3]),
    "one training pixel changed": lambda a: a["train_images"].__setitem__((0, 5, 5), 7),
    "test images as int8": lambda a: a.update(test_images=a["test_images"].view(np.int8)),
    "a test image dropped": lambda a: a.update(test_images=a["test_images"][1:]),
}


@pytest.mark.parametrize("change", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_a_cache_that_does_not_match_the_files_is_rebuilt_with_a_notice(tiny, capsys, change):
    good = reload()
    cache = tiny / mnist_files.CACHE_NAME
    rewrite_cache(cache, change)
    capsys.readouterr()
    again = reload()
    notice = capsys.readouterr().err
    assert notice.count("\n") == 1 and str(cache) in notice and "does not match" in notice
    for key in mnist_files.FILES:
        assert again[key].dtype == np.uint8 and np.array_equal(again[key], good[key])
    with np.load(cache) as z:  # rebuilt in place from the four files
        assert all(np.array_equal(z[key], good[key]) for key in mnist_files.FILES)
    reload()
    assert capsys.readouterr().err == ""  # the rebuilt cache is trusted without a word


def test_the_data_command_verifies_the_cache_too(tiny, capsys):
    """`python -m nnlesson data` said "MNIST is ready" over a cache with rolled labels."""
    reload()
    cache = tiny / mnist_files.CACHE_NAME
    assert "matches" in mnist_files.verify(progress=False)[-1]
    rewrite_cache(cache, TAMPERINGS["train labels rolled by one"])
    capsys.readouterr()
    lines = mnist_files.verify(progress=False)
    assert "does not match" in capsys.readouterr().err
    assert sum("SHA-256 ok" in line for line in lines) == 4 and "written" in lines[-1]
    assert "matches" in mnist_files.verify(progress=False)[-1]
    assert capsys.readouterr().err == ""


def test_no_cache_in_a_folder_all_users_share(tiny, monkeypatch, tmp_path):
    """With the data folder read-only and no home cache, nothing goes under the system's /tmp."""
    shared = tmp_path / "systmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    tiny.chmod(0o555)
    try:
        assert reload()["train_labels"].shape == (30,)
    finally:
        tiny.chmod(0o755)
    assert list(shared.rglob("*")) == []
    assert not (tiny / mnist_files.CACHE_NAME).exists()


def test_a_typo_in_NNLESSON_DATA_says_so_and_creates_nothing(tiny, monkeypatch, tmp_path):
    typo = tmp_path / "dta"
    monkeypatch.setenv("NNLESSON_DATA", str(typo))
    for load in (data.load_mnist, mnist_files.verify):
        with pytest.raises(DataError, match="does not exist") as err:
            load(progress=False)
        text = str(err.value)
        assert str(typo) in text and "Fix:" in text and "\n" not in text
    assert not typo.exists()


def test_NNLESSON_DATA_naming_a_file_says_not_a_folder(tiny, monkeypatch):
    gz = tiny / "train-images-idx3-ubyte.gz"
    monkeypatch.setenv("NNLESSON_DATA", str(gz))
    with pytest.raises(DataError, match="not a folder") as err:
        data.load_mnist(progress=False)
    assert str(gz) in str(err.value) and str(tiny) in str(err.value)  # the folder it should name
    assert "Fix:" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("layout", ["name/name", "dotted"])
def test_kaggles_layout_is_read(tiny, layout):
    """Kaggle's copy has a folder train-images-idx3-ubyte/ holding the file, beside
    train-images.idx3-ubyte; both unzipped. Either is read (it was "Is a directory")."""
    expected = {key: parse((tiny / (name + ".gz")).read_bytes(), name, digest, magic)
                for key, (name, digest, magic) in mnist_files.FILES.items()}
    for name, _, _ in mnist_files.FILES.values():
        gz = tiny / (name + ".gz")
        raw = gzip.decompress(gz.read_bytes())
        gz.unlink()
        if layout == "dotted":
            (tiny / name.replace("-idx", ".idx")).write_bytes(raw)
            (tiny / name).mkdir()  # an empty folder of that name is no obstacle either
        else:
            (tiny / name).mkdir()
            (tiny / name / name).write_bytes(raw)
    got = reload()
    assert all(np.array_equal(got[key], expected[key]) for key in mnist_files.FILES)


def test_stale_part_files_of_ours_are_removed_and_nothing_else(tiny):
    """A SIGKILL mid-write leaves a *.part file that no later run would ever remove."""
    reload()  # the cache exists: the next loads write nothing, yet they must still tidy up
    hour_ago = time.time() - 3600
    stale = [tiny / "mnist-uint8.npz.4242-0a1b2c3d.part",
             tiny / "train-labels-idx1-ubyte.gz.k3j_x9a2.part"]  # mkstemp's old naming
    kept = [tiny / "mnist-uint8.npz.4243-0a1b2c3e.part",  # fresh: its writer may be alive
            tiny / "notes.part", tiny / "mnist-uint8.npz.part", tiny / "other.npz.1-ab.part"]
    for path in stale + kept:
        path.write_bytes(b"half")
    for path in stale + kept[1:]:
        os.utime(path, (hour_ago, hour_ago))
    reload()
    assert not any(p.exists() for p in stale) and all(p.exists() for p in kept)


# ---- the Dataset: labels and pixels checked where they enter ----

def arrays(n_train=6, n_test=4):
    rng = np.random.default_rng(0)
    return dict(X_train=rng.random((784, n_train)), y_train=np.arange(n_train) % 10,
                X_test=rng.random((784, n_test)), y_test=np.arange(n_test) % 10)


def with_value(name, index, value, dtype=None):
    a = arrays()
    a[name] = a[name].astype(dtype or a[name].dtype)
    a[name][index] = value
    return a


@pytest.mark.parametrize("bad, message", [
    (with_value("y_train", 0, -1), r"^y_train holds labels outside 0\.\.9: -1 at index 0"),
    (with_value("y_test", 3, 10), r"^y_test holds labels outside 0\.\.9: 10 at index 3"),
    (with_value("y_train", 2, 2.5, float),
     r"^y_train holds a label that is not a whole number: 2\.5 at index 2"),
    (with_value("y_test", 1, np.nan, float),
     r"^y_test holds a label that is not a whole number: nan at index 1"),
    (with_value("y_train", 4, 11.0, float),
     r"^y_train holds labels outside 0\.\.9: 11\.0 at index 4"),
    ({**arrays(), "y_train": np.array(list("abcdef"))}, r"^y_train holds <U1 values"),
    ({**arrays(), "y_test": np.ones(4, bool)}, r"^y_test holds bool values"),
    ({**arrays(), "y_train": np.zeros((6, 1), int)}, r"^y_train has shape \(6, 1\)"),
    ({**arrays(), "y_train": np.zeros(5, int)},
     r"^X_train has 6 images \(columns\) but y_train has 5 labels"),
    (with_value("X_test", (3, 2), np.nan), r"^X_test holds nan at pixel 3 of image 2"),
    (with_value("X_train", (0, 5), -np.inf), r"^X_train holds -inf at pixel 0 of image 5"),
    ({**arrays(), "X_train": np.ones((784, 6), np.uint8)}, r"^X_train holds uint8 values.*/ 255"),
    ({**arrays(), "X_test": np.ones(784)}, r"^X_test has shape \(784,\)"),
    ({**arrays(), "X_test": np.ones((785, 4))},
     r"^X_test has 785 pixels per image but X_train has 784"),
])
def test_a_dataset_of_bad_arrays_says_which_array_and_what(bad, message):
    with pytest.raises(ValueError, match=message) as err:
        data.Dataset(**bad)
    assert "\n" not in str(err.value)


def test_whole_float_labels_are_taken_as_integers():
    a = arrays()
    d = data.Dataset(**{**a, "y_train": a["y_train"].astype(np.float32), "y_test": [0, 1, 2, 9]})
    assert d.y_train.dtype == d.y_test.dtype == np.int64
    assert d.y_train.tolist() == a["y_train"].tolist() and d.y_test.tolist() == [0, 1, 2, 9]


def test_huge_finite_pixels_are_not_mistaken_for_infinity():
    a = arrays()
    a["X_train"][:] = 3e38  # the sum overflows, yet every pixel is finite
    assert data.Dataset(**a).X_train is a["X_train"]  # kept, not copied


def test_subset_keeps_the_checked_arrays():
    d = data.Dataset(**arrays(8, 5))
    s = d.subset(3, 2)
    assert s.X_train.shape == (784, 3) and s.y_test.tolist() == [0, 1]
    assert np.shares_memory(s.X_train, d.X_train)


# ---- the real MNIST ----

def test_real_mnist_shapes_and_values(mnist):
    assert mnist.X_train.shape == (784, 60000) and mnist.X_test.shape == (784, 10000)
    assert mnist.y_train.shape == (60000,) and mnist.y_test.shape == (10000,)
    assert mnist.X_train.min() == 0 and mnist.X_train.max() == 1
    assert np.bincount(mnist.y_train).tolist()[:3] == [5923, 6742, 5958]  # the published counts
    assert mnist.X_train.T.flags.c_contiguous  # one image per row in memory (training.py)


def test_real_mnist_download_path_against_a_local_mirror(mnist_folder, mirror, monkeypatch,
                                                        tmp_path):
    """The real files, served over HTTP, pass the real checksums."""
    Mirror.files = {p.name: p.read_bytes() for p in mnist_folder.glob("*-ubyte.gz")}
    (tmp_path / "fresh").mkdir()  # NNLESSON_DATA must name a folder that exists
    monkeypatch.setenv("NNLESSON_DATA", str(tmp_path / "fresh"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(mnist_files, "_memory", {})
    lines = mnist_files.verify(mirrors=[f"{mirror}/good/"], progress=False)
    assert len(lines) == 5 and all("SHA-256 ok" in line for line in lines[:4])
    cache = tmp_path / "fresh" / mnist_files.CACHE_NAME
    assert lines[4] == f"{cache}: the cache is written from the four files"
    assert len(list((tmp_path / "fresh").glob("*.gz"))) == 4


def test_read_only_data_folder_and_the_cache(mnist_folder, monkeypatch, tmp_path):
    """CI's copy of shared/ is read-only: loading works, the cache goes to ~/.cache."""
    ro = tmp_path / "ro"
    shutil.copytree(mnist_folder, ro, ignore=shutil.ignore_patterns("*.npz", "*.part"))
    for p in [ro, *ro.iterdir()]:
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    monkeypatch.setenv("NNLESSON_DATA", str(ro))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(mnist_files, "_memory", {})
    first = data.load_mnist(progress=False)
    cache = tmp_path / "cache" / "nnlesson" / mnist_files.CACHE_NAME
    assert cache.exists() and not (ro / mnist_files.CACHE_NAME).exists()
    # The second load comes from the cache alone: hide the source files to prove it.
    monkeypatch.setattr(mnist_files, "_memory", {})
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("NNLESSON_DATA", str(tmp_path / "empty"))
    monkeypatch.setenv("NNLESSON_MIRRORS", "http://127.0.0.1:9/")
    second = data.load_mnist(progress=False)
    assert np.array_equal(first.X_test, second.X_test)
    # A damaged cache is only a cache: it is rebuilt from the files, never trusted.
    cache.write_bytes(cache.read_bytes()[:1000])
    monkeypatch.setattr(mnist_files, "_memory", {})
    monkeypatch.setenv("NNLESSON_DATA", str(ro))
    third = data.load_mnist(progress=False)
    assert np.array_equal(first.y_train, third.y_train)
    assert cache.stat().st_size > 40_000_000


def test_real_mnist_cache_with_rolled_labels_is_not_trusted(mnist_folder, monkeypatch, tmp_path,
                                                            capsys):
    """Rolled training labels keep every shape; training on them gave 10.9 %."""
    monkeypatch.setenv("NNLESSON_DATA", str(mnist_folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(mnist_files, "_memory", {})
    good = mnist_files.load_raw(progress=False)["train_labels"].copy()
    cache = tmp_path / "cache" / "nnlesson" / mnist_files.CACHE_NAME
    rewrite_cache(cache, TAMPERINGS["train labels rolled by one"])
    capsys.readouterr()
    monkeypatch.setattr(mnist_files, "_memory", {})
    assert np.array_equal(mnist_files.load_raw(progress=False)["train_labels"], good)
    assert "does not match" in capsys.readouterr().err


# ---- the validation split (issue #12) ----

def test_a_validation_set_needs_images_and_labels_that_fit():
    a = arrays()
    rng = np.random.default_rng(1)
    d = data.Dataset(**a, X_val=rng.random((784, 3)), y_val=[1, 2, 3])
    assert d.X_val.shape == (784, 3) and d.y_val.dtype == np.int64
    assert "3 validation" in repr(d) and d.subset(2).X_val is d.X_val
    assert data.Dataset(**a).X_val is None and "validation" not in repr(data.Dataset(**a))
    for bad, message in [(dict(X_val=rng.random((784, 3))), r"^X_val was given without y_val"),
                         (dict(y_val=[1]), r"^y_val was given without X_val"),
                         (dict(X_val=rng.random((784, 3)), y_val=[1, 2, 12]),
                          r"^y_val holds labels outside 0\.\.9: 12 at index 2"),
                         (dict(X_val=rng.random((784, 3)), y_val=[1, 2]),
                          r"^X_val has 3 images \(columns\) but y_val has 2 labels"),
                         (dict(X_val=rng.random((783, 2)), y_val=[1, 2]),
                          r"^X_val has 783 pixels per image but X_train has 784")]:
        with pytest.raises(ValueError, match=message) as err:
            data.Dataset(**a, **bad)
        assert "\n" not in str(err.value) and "Fix:" in str(err.value)


@pytest.mark.parametrize("bad", ["yes", 1, None, "validation"])
def test_load_mnist_says_what_validation_must_be(bad):
    # Checked before any file is read: the message comes even where MNIST is not.
    with pytest.raises(ValueError, match=r"^validation must be True or False, got") as err:
        data.load_mnist(progress=False, validation=bad)
    assert "\n" not in str(err.value)


def test_real_mnist_validation_split(mnist):
    split = data.load_mnist(dtype=np.float64, progress=False, validation=True)
    assert split.X_train.shape == (784, 50000) and split.y_train.shape == (50000,)
    assert split.X_val.shape == (784, 10000) and split.y_val.shape == (10000,)
    # Exactly the full training set, cut in two: the first 50,000, then the last 10,000.
    assert np.array_equal(split.X_train, mnist.X_train[:, :50000])
    assert np.array_equal(split.y_train, mnist.y_train[:50000])
    assert np.array_equal(split.X_val, mnist.X_train[:, 50000:])
    assert np.array_equal(split.y_val, mnist.y_train[50000:])
    # Disjoint: no held-out image is also a training image (MNIST has no two equal images
    # across this cut; compared as raw bytes, one row per image).
    train_rows = {row.tobytes() for row in split.X_train.T}
    assert not any(row.tobytes() in train_rows for row in split.X_val.T)
    # The test set is untouched, and training still gets image-per-row memory.
    assert np.array_equal(split.X_test, mnist.X_test)
    assert np.array_equal(split.y_test, mnist.y_test)
    assert split.X_train.T.flags.c_contiguous and split.X_val.T.flags.c_contiguous
    assert mnist.X_val is None and mnist.X_train.shape == (784, 60000)  # the default: the paper's
