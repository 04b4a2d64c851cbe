"""Certificates and their public verification."""
