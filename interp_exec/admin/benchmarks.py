"""Admin for benchmarks (being written)."""
