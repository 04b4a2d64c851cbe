"""How services word dates in messages: Babel's medium date in English, never ISO."""

from datetime import UTC, date, datetime

from app.services.wording import day_text


def test_a_day_reads_as_a_medium_date():
    assert day_text(date(2026, 2, 7)) == "Feb 7, 2026"
    assert day_text(date(2026, 12, 25)) == "Dec 25, 2026"


def test_a_stored_time_reads_as_its_day_without_a_time():
    assert day_text(datetime(2026, 2, 7, 23, 59, 59, tzinfo=UTC)) == "Feb 7, 2026"


def test_no_request_is_needed(app):
    # Built in services and CLI commands alike: an app context, no request, no signed-in user.
    with app.app_context():
        assert day_text(date(2026, 2, 7)) == "Feb 7, 2026"
