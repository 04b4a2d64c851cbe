"""Tests of app/services/schemes."""
