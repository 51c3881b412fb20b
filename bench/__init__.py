"""Benchmarks: Liqaa measured against raw aiortc, in one run (``python -m bench``).

Every figure is printed next to a baseline measured in the same run, and the
ratio of the two. Benchmarks never fail for being slow; ``--quick`` runs them
all in reduced form (tests/bench checks that the report is complete and sane).
"""
