"""Scheme wording (titles, stage names, requirement labels, principles and their elements): stored
in English, shown in the reader's language.

A definition file may give each of these texts in several languages. A revision records the
English text (its digest covers it, with the rules); the other languages are kept beside it, on
the scheme's or framework's row, as {language: {English text: text}}, and may change without a
new revision. A text read from these columns is a `LocalText`: a str whose value is the English
text, which services count, compare, store, audit and digest, and whose HTML (what a page, a
PDF or an e-mail's template prints) is the text in the reader's language, else English. So the
wording passes unchanged through every service that carries it (progress, portfolio, lists) and
takes a language only where someone reads it; `read_text` gives that text to Python code.

The same English wording reads the same wherever it appears: the translations of every row are
merged, frameworks first, then schemes, each by code, version and revision, a later one winning
where two translate one English text differently (so the latest revision's corrections win, and
an earlier revision keeps the Dutch of wording a later one rewords).
"""

from typing import Any

from flask import current_app, g, has_app_context
from markupsafe import Markup, escape
from sqlalchemy import JSON, String, Text, column, select, table
from sqlalchemy.types import TypeDecorator

from app.pseudo_locale.codes import is_pseudo_locale
from app.pseudo_locale.text import pseudo
from app.reading import catalogue, current_locale, reads_plain_english

Translations = dict[str, dict[str, str]]  # language -> English text -> text

_KEPT = "_scheme_texts"  # this application context's merged translations, in `g`

_DEFINITIONS = [
    table(
        name,
        column("code", String),
        column("version", String),
        column("revision"),
        column("translations", JSON),
    )
    for name in ("frameworks", "schemes")
]


class LocalText(str):
    """Scheme wording: its value is the English text; on a page, the reader's language."""

    __slots__ = ()

    def __html__(self) -> Markup:
        return escape(self.read())

    def read(self) -> str:
        """The text in the current locale's language, falling back to English."""
        return _translated(str(self))


class SchemeLabel(LocalText):
    """A scheme's or framework's name with version and revision, "VIG (2024, rev. 1)": its value
    is English; on a page, the title is in the reader's language."""

    named: str
    version: str
    revision: int

    def __new__(cls, title: str, version: str, revision: int) -> "SchemeLabel":
        label = super().__new__(cls, f"{title} ({version}, rev. {revision})")
        label.named, label.version, label.revision = title, version, revision
        return label

    def __getnewargs__(self) -> tuple[str, str, int]:  # type: ignore[override]
        return (self.named, self.version, self.revision)

    def read(self) -> str:
        """The label with its title in the current locale's language."""
        wording = catalogue().ugettext("%(title)s (%(version)s, rev. %(revision)s)")
        title = _translated(str(self.named))
        return wording % {"title": title, "version": self.version, "revision": self.revision}


class SchemeText(TypeDecorator[str]):
    """A column of scheme wording: read back as `LocalText`, written as plain text."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: object) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: object) -> str | None:
        return None if value is None else LocalText(value)


class SchemeParagraph(SchemeText):
    """A long column of scheme wording (descriptions)."""

    impl = Text


def read_text(text: str) -> str:
    """Scheme wording (its English text, or a `LocalText`) in the current locale's language, or
    as it is when that language has none (or outside an application, or for English readers)."""
    return text.read() if isinstance(text, LocalText) else _translated(text)


def _translated(text: str) -> str:
    # Kept for the request: lists print scheme wording hundreds of times.
    if not text or reads_plain_english():
        return text
    locale = current_locale()
    if is_pseudo_locale(locale):  # the pseudo-locale's English, as its catalogue writes it
        return pseudo(text)
    if locale is None or locale.language == "en":
        return text
    translations = _translations()
    for language in (str(locale), locale.language):
        found = translations.get(language, {}).get(text)
        if found:
            return found
    return text


def forget_scheme_texts() -> None:
    """Read the translations afresh (they were just changed in this application context)."""
    if has_app_context():
        g.pop(_KEPT, None)


def _translations() -> Translations:
    kept: Translations | None = g.get(_KEPT)
    if kept is None:
        kept = _merged_translations()
        setattr(g, _KEPT, kept)
    return kept


def _merged_translations() -> Translations:
    """Every row's translations, merged in order (read through the application's session: this
    runs when a page prints scheme wording, not in a service)."""
    session = current_app.extensions["sqlalchemy"].session
    merged: Translations = {}
    for rows in _DEFINITIONS:
        ordered = select(rows.c.translations).order_by(rows.c.code, rows.c.version, rows.c.revision)
        for translations in session.scalars(ordered):
            for language, texts in (translations or {}).items():
                merged.setdefault(language, {}).update(texts)
    return merged
