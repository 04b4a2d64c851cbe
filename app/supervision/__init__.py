"""supervision pages."""
