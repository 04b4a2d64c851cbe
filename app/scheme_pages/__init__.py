"""scheme pages pages."""
