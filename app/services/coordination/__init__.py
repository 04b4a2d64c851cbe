"""Coordination: the association's pipeline (`pipeline`, `risk`, `supervisor_load`), cohorts,
what is overdue for the daily digest, and what each person's home page shows (`dashboards`).
Imports models and every domain package below it (progress, signoff, certificates); nothing web."""
