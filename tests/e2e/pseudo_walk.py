"""Reading pages in the pseudo-locale (en-XA): every message the app translates arrives accented
("[Šîĝñ·· îñ·]"), and the walk's own data is rewritten in Cyrillic letters, so a plain ASCII
word on a page is text that never went through the catalogue, unless it is data of another
kind (an e-mail address, a code or number, a date's month, a city the time-zone list names).
The page is also measured for text that no longer fits its box now that words are longer."""

import re
import string
from functools import cache
from typing import Any

from babel import Locale
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute

from app.account.timezones import countries
from app.extensions import db
from app.models import (
    Case,
    Certificate,
    Cohort,
    Consent,
    Cycle,
    Film,
    Milestone,
    Moment,
    MomentReply,
    Notification,
    Passkey,
    Pause,
    PortfolioDocument,
    Rating,
    Reflection,
    StageMeeting,
    SupervisionSession,
    User,
)

_CYRILLIC = str.maketrans(
    string.ascii_lowercase + string.ascii_uppercase,
    "абцдефгхийклмнопярстувшжыз" + "АБЦДЕФГХИЙКЛМНОПЯРСТУВШЖЫЗ",
)
# What people wrote in the demo (names, case labels, notes, reflections, reasons): rewritten
# letter for letter in Cyrillic, so it can never pass for, or hide, an English word.
PEOPLES_WORDS: tuple[InstrumentedAttribute[str], ...] = (
    User.display_name,
    Case.label,
    Case.helping_question,
    Case.goals,
    Consent.given_by_role,
    Cycle.notes,
    Film.kept_at,
    Moment.note,
    MomentReply.text,
    Cohort.name,
    Cohort.description,
    Milestone.title,
    Milestone.notes,
    Pause.reason,
    Rating.comment,
    StageMeeting.exception_reason,
    StageMeeting.documents_read,
    StageMeeting.actions,
    StageMeeting.supervisor_statement,
    StageMeeting.sent_back_reason,
    StageMeeting.void_reason,
    SupervisionSession.reflection_before,
    SupervisionSession.reflection_after,
    SupervisionSession.next_steps,
    SupervisionSession.return_reason,
    SupervisionSession.supervisor_reflection,
    SupervisionSession.supervisor_feedback,
    Reflection.title,
    Reflection.body,
    Certificate.holder_name,
    Certificate.supervisor_name,
    Certificate.assessor_name,
    Certificate.revoke_reason,
    Passkey.name,
    PortfolioDocument.error,
)

# A certificate's scheme version as recorded when it was issued, "2024 (rev. 1)": a record kept
# as issued (app/services/certificates/issuing.py), not wording to translate.
CERTIFICATE_VERSION = re.compile(r"\b\d{4} \(rev\. \d+\)")

# Names that are the same in every language.
PROPER_NAMES = frozenset({"Attune"})
# Data that is no word: e-mail addresses, addresses and paths, file names, anything holding a
# digit (numbers, dates, certificate numbers, digests), codes in capitals ("C-XGPT").
_DATA_TOKEN = re.compile(
    r"\S*@\S*|\S*://\S*|/\S*|\S+\.(?:ya?ml|pdf|csv|json|zip)|\S*\d\S*"
    r"|\W*[A-Z]+(?:-[A-Z0-9]+)+\W*"
)
_ASCII_WORD = re.compile(r"[A-Za-z]+")

# Runs in the page: each text (and each attribute people read or hear) holding an ASCII letter,
# where it is, and whether it is in the time-zone lists (Babel's names of countries and cities).
# Text in another language on purpose (lang="nl": each language named in itself) or marked
# translate="no" is left out.
_TEXTS = """() => {
  const pageLang = document.documentElement.lang;
  const zones = document.querySelector("select[data-timezone-picker]");
  const lists = zones ? [zones, document.getElementById(zones.id + "-country")] : [];
  const inOtherLanguage = (e) => {
    const marked = e.closest("[lang]");
    return marked !== null && marked.lang !== pageLang;
  };
  const left = (e) => e.closest("script, style, [translate=no]") !== null || inOtherLanguage(e);
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (e.classList.length ? "." + [...e.classList].join(".") : "");
  const inLists = (e) => lists.some((list) => list && list.contains(e));
  const out = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const e = node.parentElement;
    if (!e || !/[A-Za-z]/.test(node.textContent) || left(e)) continue;
    out.push({text: node.textContent.replace(/\\s+/g, " ").trim(), where: name(e),
              cldr: inLists(e)});
  }
  const read = {placeholder: "*", title: "*", "aria-label": "*", alt: "img, area, input",
                value: "input[type=submit], input[type=button], input[type=reset]",
                label: "optgroup, option"};
  for (const [attribute, elements] of Object.entries(read)) {
    for (const e of document.querySelectorAll(`[${attribute}]`)) {
      const text = e.getAttribute(attribute);
      if (!e.matches(elements) || !/[A-Za-z]/.test(text) || left(e)) continue;
      out.push({text: text.trim(), where: name(e) + "[" + attribute + "]", cldr: inLists(e)});
    }
  }
  return out;
}"""

# Runs in the page: boxes whose text no longer fits (scrollWidth past clientWidth): text
# containers, buttons, table cells, labels, navigation. A box that scrolls on purpose
# (overflow auto or scroll: a wide table in its frame) is not one; what it holds still is.
_SPILLS = """() => {
  const boxes = "button, input[type=submit], input[type=button], th, td, nav, label, summary, " +
    "a.button, dt, dd, li, h1, h2, h3, h4, p, legend, caption";
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (e.classList.length ? "." + [...e.classList].join(".") : "");
  const out = [];
  for (const e of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(e);
    if (style.display === "none" || style.display === "inline" || style.display === "contents")
      continue;
    // Scrolling on purpose, clipped to nothing on purpose (.visually-hidden), drawn (a chart)
    // or a native list (an option's own text is cut by its select, and shown whole when open).
    if (/auto|scroll/.test(style.overflowX) || e.clientWidth <= 1) continue;
    if (e.closest("svg, select")) continue;
    const holdsText = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!holdsText && !e.matches(boxes)) continue;
    if (e.scrollWidth > e.clientWidth + 1) {
      const text = (e.innerText || e.value || "").replace(/\\s+/g, " ").trim().slice(0, 80);
      out.push(name(e) + " (" + e.scrollWidth + " > " + e.clientWidth + " px): " +
               JSON.stringify(text));
    }
  }
  return out;
}"""


def write_peoples_words_in_cyrillic(app: Flask) -> None:
    """Rewrite what people wrote in the demo in Cyrillic letters (lengths kept), the values
    notifications keep of it too. The sign-offs' digests no longer match the evidence then:
    the sign-off page says so, and is read saying it."""
    with app.app_context():
        for notification in db.session.scalars(select(Notification)):
            if notification.phrase:
                notification.phrase = _phrase_in_cyrillic(notification.phrase)
        for column in PEOPLES_WORDS:
            model = column.class_
            rows = db.session.execute(select(model.id, column)).all()
            for row_id, value in rows:
                if value:
                    written = value.translate(_CYRILLIC)
                    db.session.execute(
                        update(model).where(model.id == row_id).values({column.key: written})
                    )
        db.session.commit()
        db.session.remove()


def _phrase_in_cyrillic(phrase: dict[str, Any]) -> dict[str, Any]:
    """A stored phrase (app/phrase.py) with its text values rewritten, its wording kept."""
    values = {name: _value_in_cyrillic(value) for name, value in phrase["values"].items()}
    return {**phrase, "values": values}


def _value_in_cyrillic(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_CYRILLIC)
    if isinstance(value, dict) and "phrase" in value:
        return {"phrase": _phrase_in_cyrillic(value["phrase"])}
    if isinstance(value, dict) and "list" in value:
        return {"list": [_value_in_cyrillic(item) for item in value["list"]]}
    return value  # a number, or a day


@cache
def _date_words() -> frozenset[str]:
    """The names of months and days Babel writes dates with (English: the pseudo-locale's)."""
    english = Locale.parse("en_GB")
    names = [
        name
        for table in (english.months, english.days)
        for context in table.values()
        for width in context.values()
        for name in width.values()
    ]
    return frozenset(word for name in names for word in _ASCII_WORD.findall(name))


@cache
def _zone_words() -> frozenset[str]:
    """The words of Babel's names of countries and their cities (the time-zone lists)."""
    texts = [country for country, _ in countries("en_GB")]
    texts += [label for _, zones in countries("en_GB") for _, label in zones]
    return frozenset(word for text in texts for word in _ASCII_WORD.findall(text)) | {"UTC"}


def english_words(text: str, in_zone_lists: bool) -> list[str]:
    """The ASCII words of a text that are no data: text left untranslated."""
    text = CERTIFICATE_VERSION.sub(" ", text)
    words = []
    for token in text.split():
        if _DATA_TOKEN.fullmatch(token):
            continue
        for word in _ASCII_WORD.findall(token):
            if word in PROPER_NAMES or word in _date_words():
                continue
            if in_zone_lists and word in _zone_words():
                continue
            words.append(word)
    return words


class Reader:
    """The checks of a page read in the pseudo-locale, for phone_walk.walk: each finding is
    the page's path, a tab, and what was found there."""

    def untranslated(self, page: Page, path: str) -> list[str]:
        """Each text on the page holding English words, named with the page and the element."""
        found = []
        for item in page.evaluate(_TEXTS):
            words = english_words(item["text"], item["cldr"])
            if words:
                found.append(f"{path}\tuntranslated: {item['where']}: {item['text'][:160]!r}")
        return found

    @staticmethod
    def spills(page: Page, path: str) -> list[str]:
        """Each box on the page whose text sticks out of it, at the page's width."""
        width = page.viewport_size["width"] if page.viewport_size else 0
        return [f"{path}\toverflows at {width} px: {box}" for box in page.evaluate(_SPILLS)]
