"""nnlesson: the package behind the course. Each module says which lesson introduces it."""
from .network import PAPER_SIZES, Network, sigmoid, sigmoid_prime
from .costs import cost, one_hot
from .data import N_TEST, N_TRAIN, N_VAL, load_mnist, DataError, Dataset
from .training import train, evaluate, History

__all__ = ["PAPER_SIZES", "N_TRAIN", "N_TEST", "N_VAL", "Network", "sigmoid", "sigmoid_prime",
           "cost", "one_hot", "load_mnist", "DataError", "Dataset", "train", "evaluate", "History"]
