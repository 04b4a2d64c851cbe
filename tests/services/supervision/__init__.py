"""Tests of app/services/supervision."""
