"""Each request's locale is found once and kept (app/i18n); `in_locale` reads in another for a
while (a certificate in its holder's language) and the request's own comes back after it."""

from datetime import date

from app.i18n import current_locale, date_text, in_locale

DAY = date(2026, 2, 7)


def test_in_locale_reads_in_another_language_and_gives_the_request_its_own_back(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        before = date_text(DAY)
        assert "Feb" in before
        with in_locale("pl"):
            assert str(current_locale()) == "pl"
            assert "lut" in date_text(DAY)
        assert date_text(DAY) == before
        assert str(current_locale()) != "pl"
