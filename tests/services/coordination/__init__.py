"""Tests of app/services/coordination."""
