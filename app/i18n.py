"""Translation and locale: every user-facing string goes through here (Flask-Babel)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError, localedata
from babel.dates import format_date as babel_format_date
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale, gettext, lazy_gettext, ngettext
from flask_login import current_user

from app.extensions import babel

__all__ = [
    "date_text",
    "datetime_text",
    "gettext",
    "init_app",
    "lazy_gettext",
    "long_date",
    "ngettext",
    "person_locale",
    "register_filters",
]


def _select_locale() -> str | None:
    """The person's language, or the browser's; a bare language gets the association's
    territory where Babel knows that variant (English in GB: dates read "7 Feb 2026")."""
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        code = current_user.locale
    else:
        code = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or ""
    return str(person_locale(code, current_app.config.get("ASSOCIATION_TERRITORY", "")))


def _select_timezone() -> str | None:
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with Attune's locale and time-zone selectors."""
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)


def date_text(value: date | None, style: str = "medium") -> str:
    """A day as people read it, in their locale (Babel's medium date: "7 Feb 2026" in British
    English);
    a stored time counts by its day in their time zone. Never ISO: that is for exports."""
    return "" if value is None else format_date(value, style)


def datetime_text(value: datetime | None, style: str = "medium") -> str:
    """A stored (UTC) time in the person's locale and time zone, to the minute: "medium" is the
    medium date with the short time ("7 Feb 2026, 15:04"), never seconds."""
    if value is None:
        return ""
    if style != "medium":
        return format_datetime(value, style)
    locale = get_locale()
    if locale is None:  # outside any request and app: the plain medium style
        return format_datetime(value, style)
    pattern = (
        str(locale.datetime_formats["medium"])
        .replace("{1}", locale.date_formats["medium"].pattern)
        .replace("{0}", locale.time_formats["short"].pattern)
    )
    return format_datetime(value, pattern)


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
    app.jinja_env.add_extension("jinja2.ext.i18n")


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
    know is read as the default language."""
    try:
        locale = Locale.parse((code or "").strip().replace("-", "_") or "en")
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en")
    variant = f"{locale.language}_{territory.upper()}"
    if locale.territory is None and territory and localedata.exists(variant):
        return Locale.parse(variant)
    return locale


def long_date(value: date, locale: Locale) -> str:
    """A date written out in `locale`, Babel's long format: "7 February 2026", "7 lutego 2026"."""
    return babel_format_date(value, format="long", locale=locale)
