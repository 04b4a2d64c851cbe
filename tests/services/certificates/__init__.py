"""Tests of app/services/certificates."""
