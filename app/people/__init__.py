"""people pages."""
