"""The printed documents (app/documents/): rendered to PDF, read back and drawn as PNG."""
