"""Phrases (app/phrase.py) as the current reader reads them: the page's, e-mail's or PDF's
language and formats, falling back to English where the catalogue has no translation."""

from datetime import date

from babel.lists import format_list
from babel.numbers import format_decimal

from app.i18n import catalogue, current_locale, date_text
from app.models import Notification
from app.phrase import Phrase, Reader
from app.services.notifications import one_line


def current_reader() -> Reader:
    """The reader of this request, e-mail or document (English outside an application)."""
    locale = current_locale()
    if locale is None:
        return Reader.english()
    return Reader(
        translate=lambda wording: catalogue().ugettext(wording),
        translate_plural=lambda one, many, num: catalogue().ungettext(one, many, num),
        day=lambda day: date_text(day) if isinstance(day, date) else str(day),
        number=lambda num: format_decimal(num, locale=locale),
        listed=lambda items: format_list(items, locale=locale),
    )


def phrase_text(phrase: Phrase | str) -> str:
    """The phrase in the current reader's language (a text people typed, as it is)."""
    return phrase if isinstance(phrase, str) else phrase.shown(current_reader())


def notification_text(notification: Notification) -> str:
    """A notification in the current reader's language (one made before phrases were kept,
    in the English it was written in)."""
    if notification.phrase is None:
        return notification.message
    return one_line(Phrase.from_json(notification.phrase).shown(current_reader()))
