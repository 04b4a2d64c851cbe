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


def test_page_strings_are_format_strings_with_variables_escaped(app):
    """Templates' `_` is Jinja's new-style gettext: always formatted (so %% is a % sign), the
    variables escaped, the text itself trusted; a text without % is passed through as it is."""
    with app.test_request_context("/"):
        render = app.jinja_env.from_string
        assert render('{{ _("Done") }}').render() == "Done"
        assert render('{{ _("50%% done") }}').render() == "50% done"
        shown = render('{{ _("Hello, %(name)s", name=who) }}').render(who="<b>Ann</b>")
        assert shown == "Hello, &lt;b&gt;Ann&lt;/b&gt;"
        assert render('{{ ngettext("%(num)s day", "%(num)s days", 2) }}').render() == "2 days"
