"""Cases and their consents."""
