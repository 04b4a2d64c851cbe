"""The locale a request (or a command, an e-mail, a PDF) is read in and its catalogue, found
once per application context: Flask-Babel finds both afresh for every string and every date (its
context, domain and locale, each through `g`: several µs each, and a long page has hundreds).
Apart from app/i18n.py so that what stands below it (the models' scheme wording) can read them
too; app/i18n.py offers them to everyone else."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from babel import Locale
from babel.support import NullTranslations
from flask import g
from flask.globals import _cv_app
from flask_babel import force_locale, get_locale, get_translations


@dataclass(frozen=True)
class _Reading:
    """The locale a request is read in and its translations, found once per request."""

    locale: Locale
    catalogue: NullTranslations
    # English without a modifier (not the pseudo-locale): scheme wording reads as stored.
    plain_english: bool


# One Locale object per locale: Flask-Babel makes a new one for every request, and what is kept
# across requests under a locale (formatted days and counts) is then found by identity instead
# of by Babel's comparison of five attributes.
_LOCALES: dict[str, Locale] = {}


def _interned(locale: Locale) -> Locale:
    return _LOCALES.setdefault(str(locale), locale)


def _reading() -> _Reading | None:
    """This request's (or CLI command's) locale and translations; None outside an application.

    Flask-Babel finds both afresh for every string and every date (its context, domain and
    locale, each through `g`: several µs each, and a long page has hundreds). They change only
    inside `in_locale`, which forgets them on the way in and out. The application context is
    read straight from its context variable: `g` and `has_app_context` are proxies to it, and
    this runs for every string of every page."""
    context = _cv_app.get(None)
    if context is None:
        return None
    kept: _Reading | None = context.g.get("_reading")
    if kept is None:
        locale = get_locale()
        if locale is None:
            return None
        locale = _interned(locale)
        plain = locale.language == "en" and not locale.modifier
        kept = context.g._reading = _Reading(locale, get_translations(), plain)
    return kept


@contextmanager
def in_locale(locale: Locale | str) -> Iterator[None]:
    """Read everything in `locale` for a while (a certificate in its holder's language):
    Flask-Babel's `force_locale`, with this module's kept reading forgotten around it."""
    saved = g.pop("_reading", None)
    try:
        with force_locale(str(locale)):
            yield
    finally:
        g.pop("_reading", None)
        if saved is not None:
            g._reading = saved


def current_locale() -> Locale | None:
    """The locale the current request is read in (None outside an application)."""
    reading = _reading()
    return None if reading is None else reading.locale


def reads_plain_english() -> bool:
    """Whether the current request reads English as stored (or runs outside an application):
    what scheme wording asks before it looks for a translation."""
    reading = _reading()
    return reading is None or reading.plain_english


def catalogue() -> NullTranslations:
    """The translations of the current locale."""
    reading = _reading()
    return get_translations() if reading is None else reading.catalogue
