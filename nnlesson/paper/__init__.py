"""The paper: its Appendix 4 tables and headline results, and its slips (lessons 6, 7 and A2).

  * :mod:`.tables`: the 800 accuracies of Figures 11 and 12 as printed (``paper_tables.csv``),
    and the two results the text calls its best;
  * :mod:`.slips`: every slip the course found, beside the correct formula, each with a machine
    verdict or labelled "checked by reading" (:mod:`.slips_forward`, :mod:`.slips_backprop`);
  * :mod:`.hypotheses`: why does the paper score lower? Each hypothesis executes one thing as
    the paper printed it; :mod:`.hypothesis_fit` compares their committed grids with the tables.
"""
from .hypotheses import HYPOTHESES, Hypothesis, hypothesis
from .hypothesis_fit import (Fit, NoiseFloor, best_hypothesis, fit_report, hypothesis_fit,
                             hypothesis_table, noise_floor)
from .tables import (BEST_ONE_EPOCH, BEST_TEN_EPOCHS, FIGURES, Headline, IdenticalRows, PaperTable,
                     identical_rows, paper_accuracy, paper_table)

__all__ = ["BEST_ONE_EPOCH", "BEST_TEN_EPOCHS", "FIGURES", "Fit", "HYPOTHESES", "Headline",
           "Hypothesis", "IdenticalRows", "NoiseFloor", "PaperTable", "best_hypothesis",
           "fit_report", "hypothesis", "hypothesis_fit", "hypothesis_table", "identical_rows",
           "noise_floor", "paper_accuracy", "paper_table"]
