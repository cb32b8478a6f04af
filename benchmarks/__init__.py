"""Benchmarks: national-scale synthetic data and the measurements run by `lde bench`.

Nothing here runs inside `make test` or the pytest suite (one small test keeps the generator from
rotting: tests/benchmarks/). See benchmarks/README.md.
"""
