"""How services word what they tell people (notifications, e-mails, refusals).

Those texts are phrases (app/phrase.py): English wording with values kept apart, so a page or
e-mail shows them in its reader's language and formats. Here are the words for states that go
into them; `day_text` words a day in English, for texts only the command line shows. Exports
(CSV, JSON) keep ISO 8601 and do not come here."""

from datetime import date, datetime

from babel.dates import format_date

from app.models import MeetingStatus, SessionStatus
from app.phrase import Phrase

MESSAGE_LOCALE = "en"

MEETING_STATES = {
    MeetingStatus.REQUESTED: Phrase("requested"),
    MeetingStatus.ASSESSOR_NAMED: Phrase("with a named assessor"),
    MeetingStatus.PASSED: Phrase("passed"),
    MeetingStatus.NOT_YET: Phrase("not yet passed"),
    MeetingStatus.WITHDRAWN: Phrase("withdrawn"),
    MeetingStatus.RATIFIED: Phrase("ratified"),
    MeetingStatus.VOIDED: Phrase("voided"),
}
SESSION_STATES = {
    SessionStatus.LOGGED: Phrase("waiting for confirmation"),
    SessionStatus.CONFIRMED: Phrase("confirmed"),
    SessionStatus.RETURNED: Phrase("returned"),
}


def day_text(day: date | datetime) -> str:
    """A day as people read it in an English text; a stored time counts by its (UTC) date."""
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, "medium", locale=MESSAGE_LOCALE)
