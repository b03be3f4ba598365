"""Admin for dispatch log (being written)."""
