"""nnlesson: the package behind the course. Each module says which lesson introduces it."""
from .network import Network, sigmoid, sigmoid_prime, cost
from .data import load_mnist, one_hot, DataError, Dataset
from .training import train, evaluate, History

__all__ = ["Network", "sigmoid", "sigmoid_prime", "cost", "load_mnist", "one_hot", "DataError",
           "Dataset", "train", "evaluate", "History"]
