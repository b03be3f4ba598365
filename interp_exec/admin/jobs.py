"""Admin for jobs (being written)."""
