"""Lesson 6's after-training views, on a network trained on real MNIST and on edge inputs."""
import numpy as np
import pytest

from nnlesson import Network, train
from nnlesson.lessons.dashboard import Settings
from nnlesson.lessons.diagnostics import (confusion_figure, confusion_matrix, gallery_figure,
                                  hidden_weight_images, mistakes, paper_comparison, paper_number,
                                  tile, weights_figure)
from nnlesson.lessons.plots import figure_to_png


@pytest.fixture(scope="module")
def trained(mnist):
    net = Network((784, 32, 16, 10), seed=0)
    train(net, mnist.subset(5000), epochs=1, batch_size=10, lr=1.0)
    return net


def is_png(fig):
    return figure_to_png(fig).startswith(b"\x89PNG")


def test_confusion_matrix_counts_every_test_image_once(trained, mnist):
    X, y = mnist.X_test, mnist.y_test
    counts = confusion_matrix(trained, X, y)
    assert counts.shape == (10, 10) and counts.sum() == 10000
    assert (counts.sum(axis=1) == np.bincount(y, minlength=10)).all()
    right = np.trace(counts) / 100
    assert right == pytest.approx(np.mean(trained.predict(X) == y) * 100)
    assert is_png(confusion_figure(counts))


def test_confusion_matrix_of_one_example(trained, mnist):
    counts = confusion_matrix(trained, mnist.X_test[:, :1], mnist.y_test[:1])
    assert counts.sum() == 1 and counts[mnist.y_test[0]].sum() == 1
    assert is_png(confusion_figure(counts))
    assert is_png(confusion_figure(np.zeros((10, 10), dtype=int)))


def test_mistakes_are_wrong_and_surest_first(trained, mnist):
    X, y = mnist.X_test, mnist.y_test
    found = mistakes(trained, X, y, k=16)
    assert len(found) == 16
    a = trained.feedforward(X)
    for m in found:
        assert m.true == y[m.index] != m.predicted == np.argmax(a[:, m.index])
        assert m.confidence == pytest.approx(a[m.predicted, m.index])
    confidences = [m.confidence for m in found]
    assert confidences == sorted(confidences, reverse=True)
    assert is_png(gallery_figure(X, found))


def test_gallery_with_no_mistakes_and_with_one(trained, mnist):
    X, y = mnist.X_test[:, :1], mnist.y_test[:1]
    right = trained.predict(X)
    assert mistakes(trained, X, right) == []
    assert is_png(gallery_figure(X, []))
    wrong = (right + 1) % 10
    found = mistakes(trained, X, wrong)
    assert len(found) == 1 and found[0].true == wrong[0]
    assert is_png(gallery_figure(X, found))


def test_weight_images_are_the_rows_of_W1(trained):
    images = hidden_weight_images(trained)
    assert images.shape == (32, 28, 28)
    assert np.array_equal(images[5].ravel(), trained.W[1][5])
    assert is_png(weights_figure(trained))
    with pytest.raises(ValueError, match="not the 28x28 pixels"):
        hidden_weight_images(Network((4, 3, 2)))


def test_tile_scales_each_image_and_survives_zeros():
    images = np.stack([np.full((2, 2), 4.0), np.zeros((2, 2)), -np.ones((2, 2))])
    grid = tile(images, cols=2)
    assert grid.shape == (5, 5)
    assert np.allclose(grid[:2, :2], 1) and np.allclose(grid[:2, 3:], 0)
    assert np.allclose(grid[3:, :2], -1) and np.isnan(grid[2]).all()
    assert tile(images[:1], cols=8).shape == (2, 2)


def test_the_papers_number_only_for_the_papers_experiment():
    paper = Settings(n_train=60000, hidden=(32, 16), epochs=1, batch_size=40, lr=4.0)
    assert paper_number(paper) == 83.50
    ten = Settings(n_train=60000, epochs=10, batch_size=20, lr=0.9)
    assert paper_number(ten) == 89.45
    assert paper_number(Settings(n_train=10000, batch_size=40, lr=4.0)) is None
    assert paper_number(Settings(n_train=60000, hidden="64", batch_size=40, lr=4.0)) is None
    assert paper_number(Settings(n_train=60000, epochs=2, batch_size=40, lr=4.0)) is None
    assert paper_number(Settings(n_train=60000, batch_size=41, lr=4.0)) is None


def test_paper_comparison_says_what_is_compared():
    same = paper_comparison(Settings(n_train=60000, batch_size=40, lr=4.0), 93.641)
    assert same == "this run: 93.64 %; the paper, same setting: 83.50 %"
    subset = paper_comparison(Settings(n_train=2000, batch_size=40, lr=4.0), 27.18)
    assert "83.50 %" in subset and "different experiment" in subset
    none = paper_comparison(Settings(batch_size=7, lr=0.33), 50.0)
    assert "no number for batch size 7" in none


def test_confusion_numbers_contrast_with_their_cells():
    # The darkest red cell (the commonest mistake) needs white text; a pale cell needs black.
    from matplotlib.colors import to_rgb
    counts = np.eye(10, dtype=int) * 900
    counts[4, 9], counts[3, 5] = 80, 2
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): to_rgb(t.get_color())
             for t in confusion_figure(counts).axes[0].texts}
    assert texts[(4, 9)] == (1.0, 1.0, 1.0)
    assert texts[(3, 5)] == (0.0, 0.0, 0.0)
    assert texts[(0, 0)] == (0.0, 0.0, 0.0)     # the diagonal is drawn pale


def test_the_papers_exact_setting_is_not_called_a_different_experiment():
    # The paper's exact setting: 784-32-16-10, all 60,000 images, one epoch, batch 40, lr 4.
    exact = Settings(n_train=60000, hidden="32, 16", epochs=1, batch_size=40, lr=4.0)
    line = paper_comparison(exact, 91.0)
    assert "83.50 %" in line and "different experiment" not in line


def test_a_different_experiment_names_what_differs():
    line = paper_comparison(Settings(n_train=60000, epochs=3, batch_size=40, lr=4.0), 95.0)
    assert "83.50 %" in line and "3 epochs" in line and "60,000 images" not in line.split(":")[-1]
    line = paper_comparison(Settings(n_train=2000, hidden="64", batch_size=40, lr=4.0), 80.0)
    assert "2,000 images" in line and "784-64-10" in line and "epoch" not in line.split(":")[-1]
