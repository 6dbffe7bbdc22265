"""Benchmarks: scripts that print figures and record them in bench/RESULTS.md (never timed tests)."""
