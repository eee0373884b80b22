"""Figures for the README: accuracy, latency and load. Run from the repository root as modules
(`python -m benchmarks.load`), so they import the evaluation harness and the test fakes as packages."""
