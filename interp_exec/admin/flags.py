"""Admin for flags (being written)."""
