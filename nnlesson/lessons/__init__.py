"""What the lessons show and check: their widgets' views, pictures and exercise checkers.

Each module says which lesson introduces it. A view is a plain function ``view(...) -> (figure,
message)`` that a notebook wires to sliders with ``plots.live_view``; tests call it directly.
"""
