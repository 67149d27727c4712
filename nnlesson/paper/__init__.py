"""The paper: its Appendix 4 tables and headline results, and its slips (lessons 6, 7 and A2).

  * :mod:`.tables`: the 800 accuracies of Figures 11 and 12 as printed (``paper_tables.csv``),
    and the two results the text calls its best;
  * :mod:`.slips`: every slip the course found, beside the correct formula, each with a machine
    verdict or labelled "checked by reading" (:mod:`.slips_forward`, :mod:`.slips_backprop`).
"""
from .tables import (BEST_ONE_EPOCH, BEST_TEN_EPOCHS, FIGURES, Headline, IdenticalRows, PaperTable,
                     identical_rows, paper_accuracy, paper_table)

__all__ = ["BEST_ONE_EPOCH", "BEST_TEN_EPOCHS", "FIGURES", "Headline", "IdenticalRows",
           "PaperTable", "identical_rows", "paper_accuracy", "paper_table"]
