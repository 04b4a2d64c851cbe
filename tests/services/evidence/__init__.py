"""Tests of app/services/evidence."""
