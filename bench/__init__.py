"""Benchmarks, run by hand or in CI (``make bench``); never part of the test suite."""
