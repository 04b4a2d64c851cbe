"""health pages."""
