"""Self-assessment and supervisor ratings."""
