"""The pseudo-locale's names: "en-XA" to people, browsers and LANGUAGES (Chrome's pseudo-locale),
and to Babel English of the association's territory with the modifier "pseudo" (en_GB@pseudo).

Babel has no data for en-XA and refuses it. With the modifier it formats dates and numbers as
that English does, while gettext looks for the catalogue under translations/en@pseudo/ (the
folder naming of sr@latin), so nothing else in the app needs to know."""

from pathlib import Path

from babel import Locale, localedata
from flask import Flask

CODE = "en-XA"
MODIFIER = "pseudo"
FOLDER = f"en@{MODIFIER}"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
COMPILED = TRANSLATIONS / FOLDER / "LC_MESSAGES" / "messages.mo"


def is_pseudo(code: str) -> bool:
    """Whether a stored or offered language code names the pseudo-locale."""
    return (code or "").strip().replace("_", "-").lower() == CODE.lower()


def pseudo_locale(territory: str = "") -> Locale:
    """The Babel locale pages are read in: English of `territory` (where Babel knows it)."""
    variant = f"en_{territory.upper()}"
    known = bool(territory) and localedata.exists(variant)
    return Locale("en", territory.upper() if known else None, modifier=MODIFIER)


def is_pseudo_locale(locale: Locale | None) -> bool:
    """Whether a Babel locale is the pseudo-locale."""
    return locale is not None and locale.modifier == MODIFIER


def language_code(locale: Locale | None) -> str:
    """The LANGUAGES code a locale is read for: "en" for en_GB, "en-XA" for the pseudo-locale."""
    if locale is None:
        return ""
    return CODE if is_pseudo_locale(locale) else locale.language


def language_tag(locale: Locale | None) -> str:
    """The locale as an HTML lang attribute (BCP 47): "en-GB", "nl", "en-XA"."""
    if locale is None:
        return "en"
    return CODE if is_pseudo_locale(locale) else str(locale).replace("_", "-")


def offer(app: Flask) -> None:
    """Offer the pseudo-locale beside the languages when PSEUDO_LOCALE is on; refuse to start
    without its compiled catalogue, or with one older than the template (it would show
    English, or miss the newest messages, and look translated)."""
    if not app.config.get("PSEUDO_LOCALE"):
        return
    if not COMPILED.exists() or COMPILED.stat().st_mtime < TEMPLATE.stat().st_mtime:
        raise RuntimeError(
            f"PSEUDO_LOCALE is on but {COMPILED} is missing "
            "or older than the template: run `make catalogues`."
        )
    if CODE not in app.config["LANGUAGES"]:
        app.config["LANGUAGES"] = [*app.config["LANGUAGES"], CODE]
