"""Tests of app/web: the shared web layer on its own."""
