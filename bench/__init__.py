"""Accuracy and speed benchmarks for qualcheck, run against data kept outside the repo.

Run from the repository root: ``python -m bench.reuse_short_answer`` (see BENCHMARKS.md).
"""
