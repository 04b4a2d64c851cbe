"""Builders the tests share: people (`people`), worlds of evidence, sign-off, renewal, pipeline,
portfolio and assessors, each made through the real services, and signed-in clients (`web`).
Fixtures stay in conftest.py; a test file's own `world` fixture calls one of these."""
