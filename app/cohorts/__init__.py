"""Cohorts of trainees: coordinators group trainees and follow each group's stages."""
