"""Tests of app/authz: the rules on their own (routes are checked in tests/views/test_access.py)."""
