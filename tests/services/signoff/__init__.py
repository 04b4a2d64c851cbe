"""Tests of app/services/signoff."""
