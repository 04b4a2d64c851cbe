"""Signing off a stage: end-of-stage meetings, the assessor (four-eyes), the decisions on them,
the evidence a sign-off locks, and competency ratings against the principles. Imports models,
progress, evidence and the ground floor; nothing web."""
