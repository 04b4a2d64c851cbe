"""Demo data for `make run` and the browser tests: people and an enrolment (`people`), a realistic
record made through the real services (`evidence`) and accredited practitioners (`certificates`).
Imports any domain package (it is the top of the house); nothing web."""
