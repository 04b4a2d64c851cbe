"""enrolments pages."""
