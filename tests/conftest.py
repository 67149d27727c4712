"""Shared fixtures. Real MNIST comes from NNLESSON_DATA (CI points it at ../shared/data/mnist)."""
import os

import numpy as np
import pytest

import nnlesson
from nnlesson.data import DataError


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST, float64. Skips when it cannot be had, except in CI, where that fails."""
    try:
        return nnlesson.load_mnist(dtype=np.float64, progress=False)
    except DataError as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"MNIST not available: {e}")


@pytest.fixture(scope="session")
def mnist_folder(mnist):
    """The folder holding the four original MNIST files (gzipped), as NNLESSON_DATA names it."""
    from nnlesson.mnist_files import FILES, data_dir
    folder = data_dir()
    if not all((folder / (name + ".gz")).exists() for name, _, _ in FILES.values()):
        if os.environ.get("CI"):
            pytest.fail(f"CI should point NNLESSON_DATA at the four MNIST .gz files, not {folder}")
        pytest.skip(f"the four gzipped MNIST files are not in {folder}")
    return folder
