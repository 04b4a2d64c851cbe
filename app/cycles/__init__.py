"""Cycles of a case."""
