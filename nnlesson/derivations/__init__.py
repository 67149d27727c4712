"""Every derivation of lessons 4 and 5, restated in SymPy and checked.

A formula on a lesson's page is only as good as the check behind it. Each function returns a list
of :class:`Check` rows, (name, formula in LaTeX, holds), which a notebook shows with
:func:`checks_table` and a test asserts:
  * :mod:`.chain_rule` (lesson 4): :func:`sigmoid_steps`, the paper's Appendix 1 line by line,
    and :func:`chain_rule`, the one-neuron-per-layer chain of the paper's Figure 8;
  * :mod:`.backprop` (lesson 5): :func:`network_gradient`, the four equations on a network whose
    every weight, bias, input and target is a symbol, and :func:`backprop_agrees`, which puts
    numbers into it and compares with ``Network.backprop``;
  * :mod:`.paths` (lesson 5): one weight's derivative as a sum over paths (the paper's
    Figure 10), the paper's printed recursion at the same numbers, and delta^l = dC/da^l o
    sigma'(z^l);
  * :mod:`.costs` (lesson 8): with the cross-entropy cost the output delta is a^L - y, for
    sigmoid outputs and for softmax with the log-likelihood (sigma' cancels);
  * :mod:`.sympy_tools`: exact equality (:func:`same`) and the sigmoid as SymPy sees it.
The paper's slips, checked the same way, are in :mod:`nnlesson.paper.slips` (appendix A2).
"""
from .backprop import SymbolicNetwork, backprop_agrees, deltas, network_gradient, symbolic_network
from .chain_rule import chain_rule, sigmoid_steps
from .sympy_tools import Check, checks_table, same, sigma, sigmoid_exp

__all__ = ["Check", "SymbolicNetwork", "backprop_agrees", "chain_rule", "checks_table", "deltas",
           "network_gradient", "same", "sigma", "sigmoid_exp", "sigmoid_steps",
           "symbolic_network"]
