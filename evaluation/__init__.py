"""Evaluation and benchmarks: scoring against gold, pinned floors, stage benchmarks and the
synthetic corpus. Not part of the installed product (run from a source checkout)."""
