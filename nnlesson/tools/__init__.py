"""The tools around the course: the command line, the benchmarks and lesson 7's sweep.

  * :mod:`.cli` (``python -m nnlesson``) and :mod:`.sweep_cli`: every option checked, in one
    line, before any data is loaded; :mod:`.budget` estimates a run's memory and time first;
  * :mod:`.bench`: seconds per epoch against the per-example textbook loop, and stacks against
    one network at a time;
  * :mod:`.stack`, :mod:`.sweep`, :mod:`.sweep_csv`: the paper's Appendix 4 grid, trained many
    networks at once and kept in a CSV that survives interruptions.
"""
