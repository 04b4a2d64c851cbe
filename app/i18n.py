"""Translation and locale: every user-facing string goes through here (Flask-Babel)."""

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError, localedata
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal as babel_format_decimal
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import format_date, format_datetime
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from app.extensions import babel
from app.pseudo_locale import codes as pseudo_codes
from app.pseudo_locale.text import pseudo
from app.reading import catalogue, current_locale, in_locale

__all__ = [
    "LANGUAGE_COOKIE",
    "current_locale",
    "date_text",
    "datetime_text",
    "gettext",
    "in_locale",
    "init_app",
    "language_name",
    "lazy_gettext",
    "lazy_ngettext",
    "long_date",
    "ngettext",
    "person_locale",
    "register_filters",
]


# A visitor's choice of language before signing in (the footer's switcher, app/auth/language.py).
LANGUAGE_COOKIE = "attune_language"


def _select_locale() -> str | None:
    """The person's language, or the browser's; a bare language gets the association's
    territory where Babel knows that variant (English in GB: dates read "7 Feb 2026")."""
    if not has_request_context():
        return None
    user = current_user._get_current_object()
    offered = current_app.config["LANGUAGES"]
    if user is not None and user.is_authenticated:
        code = user.locale
    elif request.cookies.get(LANGUAGE_COOKIE) in offered:
        code = request.cookies[LANGUAGE_COOKIE]
    else:
        code = request.accept_languages.best_match(offered) or ""
    return str(person_locale(code, current_app.config.get("ASSOCIATION_TERRITORY", "")))


def _select_timezone() -> str | None:
    user = current_user._get_current_object() if has_request_context() else None
    return user.timezone if user is not None and user.is_authenticated else None


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with Attune's locale and time-zone selectors."""
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)
    pseudo_codes.offer(app)  # en-XA beside the languages when PSEUDO_LOCALE is on


def gettext(string: str, **variables: Any) -> str:
    """`string` in the reader's language, formatted with `variables` (as Flask-Babel's)."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def count_text(num: int) -> str:
    """A count as the reader writes it: "1,234" in English, "1.234" in Dutch."""
    locale = current_locale()
    return str(num) if locale is None else _formatted_count(num, locale)


@lru_cache(maxsize=4096)
def _formatted_count(num: int, locale: Locale) -> str:
    return babel_format_decimal(num, locale=locale)  # tens of µs, and pages repeat counts


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or a plural form for `num` (available as %(num)s, in the reader's digits),
    as Flask-Babel's."""
    variables.setdefault("num", count_text(num))
    return catalogue().ungettext(singular, plural, num) % variables


class _LazyText(LazyString):
    """A translation read when it is used. Put into a page, its variables are escaped, as the
    templates' `_` escapes them: Flask-Babel's own marks the whole formatted text safe, so a
    name someone typed would be markup."""

    def __html__(self) -> str:
        escaped = {name: escape(value) for name, value in self._kwargs.items()}
        return str(self._func(*self._args, **escaped))


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> LazyString:
    """`ngettext` when the string is used (an e-mail's text, read in its recipient's language)."""
    return _LazyText(ngettext, singular, plural, num, **variables)


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """`gettext` when the string is used, in the language of that moment (labels defined at
    import time)."""
    return _LazyText(gettext, string, **variables)


def date_text(value: date | None, style: str = "medium") -> str:
    """A day as people read it, in their locale (Babel's medium date: "7 Feb 2026" in British
    English); a stored time counts by its day in their time zone. Never ISO: that is for
    exports."""
    if value is None:
        return ""
    locale = current_locale()
    if locale is None:  # outside any application: Flask-Babel's defaults
        return format_date(value, style)
    if isinstance(value, datetime):
        value = local_day_of(value)
    return _formatted_date(value, style, locale)


@lru_cache(maxsize=4096)
def _formatted_date(value: date, style: str, locale: Locale) -> str:
    """Babel's formatting of a day, kept: a list shows the same days again and again, and each
    costs Babel tens of µs."""
    return babel_format_date(value, style, locale=locale)


def datetime_text(value: datetime | None, style: str = "medium") -> str:
    """A stored (UTC) time in the person's locale and time zone, to the minute: "medium" is the
    medium date with the short time ("7 Feb 2026, 15:04"), never seconds."""
    if value is None:
        return ""
    locale = current_locale()
    if locale is None:  # outside any application: Flask-Babel's defaults
        return format_datetime(value, style)
    pattern = style
    if style == "medium":
        pattern = (
            str(locale.datetime_formats["medium"])
            .replace("{1}", locale.date_formats["medium"].pattern)
            .replace("{0}", locale.time_formats["short"].pattern)
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return babel_format_datetime(value, pattern, tzinfo=viewer_zone(), locale=locale)


def cell_text(value: object) -> str:
    """A list's cell on the page: days as people read them (the CSV keeps them ISO)."""
    if isinstance(value, datetime):
        return datetime_text(value)
    if isinstance(value, date):
        return date_text(value)
    return "" if value is None else str(value)


def register_filters(app: Flask) -> None:
    """Dates render in the user's locale and time zone; they are stored in UTC."""
    app.jinja_env.filters["date"] = date_text
    app.jinja_env.filters["datetime"] = datetime_text
    app.jinja_env.filters["cell"] = cell_text
    app.jinja_env.add_extension("jinja2.ext.i18n")  # {% trans %}, and pybabel's extraction
    # Jinja's own `_` reaches the catalogue through three calls (alias, wrapper, callable):
    # these are its new-style gettext (always a format string, variables escaped) in one.
    app.jinja_env.globals.update(_=_page_gettext, gettext=_page_gettext, ngettext=_page_ngettext)


@pass_eval_context
def _page_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    text = catalogue().ugettext(string)
    page_text = Markup(text) if eval_ctx.autoescape else text
    # Formatting only changes a text with a % in it (a placeholder, or %% for a % sign).
    return page_text % variables if variables or "%" in text else page_text


@pass_eval_context
def _page_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("num", count_text(num))
    text = catalogue().ungettext(singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


def viewer_zone() -> ZoneInfo:
    """The signed-in user's time zone, looked up once per request (a CSV file converts a time
    on every row)."""
    zone: ZoneInfo | None = g.get("viewer_zone")
    if zone is None:
        from flask_babel import get_timezone

        zone = g.viewer_zone = ZoneInfo(str(get_timezone()))
    return zone


def local_day_of(moment: datetime) -> date:
    """A stored time's date in the viewer's time zone (a time without a zone is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(viewer_zone()).date()


def local_today() -> date:
    """Today's date in the signed-in user's time zone."""
    from flask_babel import get_timezone

    return datetime.now(get_timezone()).date()


def person_locale(code: str, territory: str = "") -> Locale:
    """A person's stored language (`en`, `pl`, `en-GB`) as a Babel locale: a bare language is
    completed with `territory` where Babel knows that variant (`en` in GB: en_GB, so dates
    read "7 February 2026"; Polish has no GB variant and stays `pl`); anything Babel does not
    know is read as the default language; the pseudo-locale as that English."""
    if pseudo_codes.is_pseudo(code):
        return pseudo_codes.pseudo_locale(territory)
    try:
        locale = Locale.parse((code or "").strip().replace("-", "_") or "en")
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en")
    variant = f"{locale.language}_{territory.upper()}"
    if locale.territory is None and territory and localedata.exists(variant):
        return Locale.parse(variant)
    return locale


def language_name(code: str) -> str:
    """A language named in itself, as a person looks for it: "English", "Nederlands"."""
    if pseudo_codes.is_pseudo(code):
        return pseudo("English (pseudo-locale)")
    locale = person_locale(code)
    name = locale.get_language_name(locale) or code
    return name[:1].upper() + name[1:]


def long_date(value: date, locale: Locale) -> str:
    """A date written out in `locale`, Babel's long format: "7 February 2026", "7 lutego 2026"."""
    return babel_format_date(value, format="long", locale=locale)
