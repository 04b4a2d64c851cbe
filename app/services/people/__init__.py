"""People: the directory of persons and their roles (`directory`), accounts, sign-in sessions and
passwords, deactivation, merging duplicates, and enrolments on a scheme with their supervisors.
Imports models and the ground floor; nothing web."""
