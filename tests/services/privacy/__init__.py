"""Tests of app/services/privacy."""
