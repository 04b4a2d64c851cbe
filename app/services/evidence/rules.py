"""Checks shared by every kind of evidence a trainee records."""

from datetime import date

from app.errors import RuleViolation

MAX_TEXT = 5000


def check_not_future(day: date, today: date, field: str) -> None:
    """Refuse a date after today (in the user's time zone)."""
    if day > today:
        raise RuleViolation("This date cannot be in the future.", field)


def check_text(text: str, field: str, limit: int = MAX_TEXT) -> None:
    """Refuse free text longer than `limit` characters."""
    if len(text) > limit:
        raise RuleViolation("Use at most %(limit)s characters.", field, limit=limit)
