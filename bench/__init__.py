"""Benchmarks for the figures of DESIGN.md section 6, run by `make bench` (never by `make test`)."""
