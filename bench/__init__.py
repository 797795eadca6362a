"""``python -m bench``: the platform's speed and memory figures at city scale, against their targets.

Targets live here (and in BENCHMARKS.md), never in unit tests: machines are noisy, and what counts is
a figure measured in one run. See README (性能基准) for the command line.
"""
