"""Domain rules as plain functions: they take the acting user explicitly, flush, never commit."""
