"""The pseudo-locale (en-XA): each message accented, bracketed and a third longer with its
placeholders intact; offered only when PSEUDO_LOCALE is on and never in production; pages read
in it carry lang="en-XA" and English dates."""

import re
from datetime import date

import pytest
from babel.messages.pofile import read_po

from app import create_app
from app.i18n import date_text, in_locale, language_name, person_locale
from app.pseudo_locale.catalogue import pseudo_catalogue
from app.pseudo_locale.codes import CODE, TEMPLATE, language_code, language_tag
from app.pseudo_locale.text import pseudo
from tests.test_translations import PLACEHOLDER


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Sign in", "[Šîĝñ·· îñ·]"),
        ("Hours: %(total)s of %(needed)s", "[Ĥöûŕš··: %(total)s öƒ· %(needed)s]"),
        ("%(num)d%% done", "[%(num)d%% ðöñé··]"),
        ("{name} said", "[{name} šàîð··]"),
        ('See <a href="%(url)s">the guide</a> &amp; more', None),
        ("  Two lines,\nthen a blank.\n", "  [Ţŵö·· ļîñéš··,\nţĥéñ·· à· ƀļàñķ··.]\n"),
        ("", ""),
    ],
)
def test_a_message_is_accented_bracketed_and_longer_with_what_it_formats_kept(message, expected):
    made = pseudo(message)
    if expected is not None:
        assert made == expected
    kept = re.compile(r"%\(\w+\)[sd]|%%|\{\w+\}|<[^>]+>|&\w+;")
    assert kept.findall(made) == kept.findall(message)
    outside = kept.sub("", made)
    assert not re.search(r"[A-Za-z]", outside), "every letter outside placeholders is accented"


def test_every_message_of_the_template_keeps_its_placeholders_and_grows():
    with TEMPLATE.open("rb") as source:
        template = read_po(source)
    made = {m.id: m.string for m in pseudo_catalogue(template)}
    assert len(made) > 1000
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = made[message.id] if isinstance(message.id, tuple) else (made[message.id],)
        assert len(strings) == len(ids)  # a plural has both forms
        for english, text in zip(ids, strings, strict=True):
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(english))
            assert text.strip().startswith("[") and text.strip().endswith("]")
            # A third longer, placeholders aside (they are filled in as they are).
            assert len(PLACEHOLDER.sub("", text)) >= 1.3 * len(PLACEHOLDER.sub("", english))


def test_off_unless_asked_and_never_in_production(app_settings, more_apps, monkeypatch):
    assert CODE not in more_apps(app_settings).config["LANGUAGES"]
    assert more_apps(app_settings | {"PSEUDO_LOCALE": True}).config["LANGUAGES"] == [
        "en",
        "nl",
        CODE,
    ]
    monkeypatch.setenv("PSEUDO_LOCALE", "1")
    from config import ProductionConfig

    assert ProductionConfig.PSEUDO_LOCALE is False


def test_a_page_read_in_the_pseudo_locale(app_settings, more_apps):
    app = more_apps(app_settings | {"PSEUDO_LOCALE": True})
    page = app.test_client().get("/login", headers={"Accept-Language": CODE})
    text = page.get_data(as_text=True)
    assert '<html lang="en-XA">' in text
    assert pseudo("Sign in") in text and ">Sign in<" not in text
    assert f">{pseudo('English (pseudo-locale)')}<" in text  # offered in the footer, in itself
    with app.test_request_context(), in_locale(person_locale(CODE, "GB")):
        # Babel has no en-XA: dates read as the association's English does.
        assert date_text(date(2026, 2, 7)) == "7 Feb 2026"
        assert language_tag(person_locale(CODE, "GB")) == CODE
        assert language_code(person_locale(CODE, "GB")) == CODE
        assert language_code(person_locale("en", "GB")) == "en"
    assert language_name(CODE).startswith("[")


def test_without_its_catalogue_the_pseudo_locale_refuses_to_start(
    app_settings, monkeypatch, tmp_path
):
    from app.pseudo_locale import codes

    monkeypatch.setattr(codes, "COMPILED", tmp_path / "messages.mo")
    with pytest.raises(RuntimeError, match="make catalogues"):
        create_app("test", app_settings | {"PSEUDO_LOCALE": True})
