"""Each request's locale is found once and kept (app/i18n); `in_locale` reads in another for a
while (a certificate in its holder's language) and the request's own comes back after it."""

from datetime import date

from app.i18n import current_locale, date_text, in_locale, lazy_gettext, lazy_ngettext

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


def test_lazy_strings_escape_their_variables_in_a_page_and_not_in_plain_text(app):
    """A lazy string made in Python with someone's text in it (a cohort name they typed) is
    escaped like the templates' own when a page shows it; read as text (an e-mail's, a CSV's)
    it is the text as typed."""
    with app.test_request_context("/"):
        typed = '"><b>x</b>'
        said = lazy_gettext("No cohort's name contains “%(text)s”.", text=typed)
        counted = lazy_ngettext(
            "%(num)s thing: %(text)s", "%(num)s things: %(text)s", 2, text=typed
        )
        page = app.jinja_env.from_string("<p>{{ said }}</p><p>{{ counted }}</p>")
        assert page.render(said=said, counted=counted) == (
            "<p>No cohort's name contains “&#34;&gt;&lt;b&gt;x&lt;/b&gt;”.</p>"
            "<p>2 things: &#34;&gt;&lt;b&gt;x&lt;/b&gt;</p>"
        )
        assert str(said) == "No cohort's name contains “\"><b>x</b>”."
        assert str(counted) == '2 things: "><b>x</b>'
