"""films pages."""
