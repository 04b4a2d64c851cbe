"""reflections pages."""
