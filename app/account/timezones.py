"""Time zones by country, then city, named in the person's language (Babel's CLDR data).

Python's zoneinfo has no country table, so the zones of each country come from Babel's own
CLDR data (`territory_zones`), installed with Babel and read offline: no system file needed. Only
zones this machine's zoneinfo can load are offered, so every choice is a real zone. The list is a
<select> grouped by country (an <optgroup> each): it works without JavaScript, and
static/timezone.js turns it into a search box, a country list and that country's cities."""

import unicodedata
from functools import lru_cache
from zoneinfo import available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location, get_timezone_name

# CLDR territories that are not countries: "001" (the world) and "ZZ" (unknown).
NOT_COUNTRIES = frozenset({"001", "ZZ"})
UTC = "UTC"

Zone = tuple[str, str]  # (zone name, what a person reads: "Chicago (Central Time)")
Country = tuple[str, tuple[Zone, ...]]  # (country name, its zones by city)


def _sort_key(text: str) -> str:
    """Alphabetical for people: "Åland" beside "Aland", "Île" beside "Ile", case ignored."""
    letters = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in letters if not unicodedata.combining(ch))


def real_zones() -> frozenset[str]:
    """Every zone name this machine's zoneinfo can load."""
    return _real_zones()


@lru_cache(maxsize=1)
def _real_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_label(zone: str, locale: Locale | str, named: bool = True) -> str:
    """The zone's city in the locale and, when `named`, its generic name: "Chicago (Central
    Time)" (which tells apart the zones of a country with several)."""
    city = get_timezone_location(zone, locale=locale, return_city=True)
    general = get_timezone_name(zone, "long", locale=locale, zone_variant="generic")
    return city if not named or not general or general == city else f"{city} ({general})"


@lru_cache(maxsize=16)
def countries(locale_name: str) -> tuple[Country, ...]:
    """Each country that has a time zone, by its name in the locale, with its zones by city."""
    locale = Locale.parse(locale_name)
    real = real_zones()
    found: list[Country] = []
    for code, zones in get_global("territory_zones").items():
        usable = [zone for zone in zones if zone in real]
        if code in NOT_COUNTRIES or not usable:
            continue
        several = len(usable) > 1
        labelled = sorted(((z, zone_label(z, locale, several)) for z in usable), key=_city_order)
        found.append((locale.territories.get(code, code), tuple(labelled)))
    return tuple(sorted(found, key=lambda country: _sort_key(country[0])))


def _city_order(zone: Zone) -> str:
    return _sort_key(zone[1])


def listed_zones(locale_name: str) -> frozenset[str]:
    """The zones the country lists offer (and UTC)."""
    return frozenset(z for _name, zones in countries(locale_name) for z, _label in zones) | {UTC}
