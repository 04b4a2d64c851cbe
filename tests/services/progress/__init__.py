"""Tests of app/services/progress."""
