"""Benchmarks (not tests): throughput and latency through gRPC beside a raw-PostgreSQL
baseline measured in the same run. Run with ``make bench`` or ``python -m bench``; see
bench/README.md."""
