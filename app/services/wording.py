"""How services word the dates in what they tell people (notifications, e-mails, refusals).

Those texts are built without a request and stored or raised in English, the language they are
written in, so their dates are English too: Babel's medium date ("Feb 7, 2026"), the style the
pages show, never ISO. Exports (CSV, JSON) keep ISO 8601 and do not come here."""

from datetime import date, datetime

from babel.dates import format_date

MESSAGE_LOCALE = "en"


def day_text(day: date | datetime) -> str:
    """A day as people read it in a message; a stored time counts by its (UTC) date."""
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, "medium", locale=MESSAGE_LOCALE)
