"""The account page's time zone: chosen by country then city (a list grouped by country, which
static/timezone.js makes searchable), refused when not a real zone offered, and then used by
every date and time the pages show."""

import re
import unicodedata
from datetime import UTC, datetime

import pytest
from flask_login import login_user

from app.account.forms import timezone_choices
from app.extensions import db
from app.i18n import datetime_text
from app.models import Notification, Role, User
from app.services import notifications
from tests.builders.people import make_user
from tests.builders.web import committed, sign_in

PROFILE = {"display_name": "Tess", "notify_by": "immediate"}
# 20:00 UTC on 1 January 2026: 2 pm in Chicago, already 9 am on 2 January in Auckland.
EVENING = datetime(2026, 1, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def tess(app):
    with committed(app):
        return make_user(Role.TRAINEE, email="tess@example.org", name="Tess").id


def _saved_zone(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).timezone


def _folded(name: str) -> str:
    letters = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in letters if not unicodedata.combining(ch))


def _select(page: str) -> str:
    found = re.search(r'<select[^>]*id="timezone".*?</select>', page, re.S)
    assert found is not None
    return found.group(0)


def test_zones_are_grouped_by_country_and_named_by_city(client, tess):
    sign_in(client, "tess@example.org")
    page = client.get("/account").get_data(as_text=True)
    select = _select(page)
    # Countries by name, a few hundred at most (not 600 zone names in one flat list).
    countries = re.findall(r'<optgroup label="([^"]+)">', select)
    assert 200 < len(countries) < 300 and countries[-1] == "Other"
    # Alphabetical as people expect it: "Åland Islands" right after "Afghanistan".
    assert countries[:-1] == sorted(countries[:-1], key=_folded)
    assert countries[:2] == ["Afghanistan", "Åland Islands"]
    assert (
        '<optgroup label="United Kingdom"><option selected value="Europe/London">London</option>'
        in (select)
    )
    # Several zones in a country: each city with its zone's common name.
    us = select.split('<optgroup label="United States">')[1].split("</optgroup>")[0]
    assert '<option value="America/Chicago">Chicago (Central Time)</option>' in us
    assert '<option value="America/New_York">New York (Eastern Time)</option>' in us
    assert '<option value="UTC">Coordinated Universal Time (UTC)</option>' in select
    # The labels the script gives its search box and lists, and the script itself, from us.
    assert 'data-search-label="Search for a country or city"' in select
    assert 'data-country-label="Country"' in select and 'data-city-label="City"' in select
    assert '<label for="timezone">Time zone</label>' in page
    assert '<script src="/static/timezone.js" defer></script>' in page


def test_the_script_is_served_by_the_app(client):
    response = client.get("/static/timezone.js")
    assert response.status_code == 200 and "javascript" in response.mimetype
    assert b"select[data-timezone-picker]" in response.data
    response.close()


def test_country_names_are_in_the_persons_language(app, client, tess):
    with committed(app):
        db.session.get(User, tess).locale = "de"
    sign_in(client, "tess@example.org")
    select = _select(client.get("/account").get_data(as_text=True))
    assert '<optgroup label="Vereinigtes Königreich">' in select
    assert '<optgroup label="Deutschland"><option value="Europe/Berlin">' in select


def test_choosing_a_country_then_a_city_saves_that_zone(app, client, tess):
    sign_in(client, "tess@example.org")
    response = client.post("/account", data=PROFILE | {"timezone": "America/Chicago"})
    assert response.status_code == 302
    assert _saved_zone(app, tess) == "America/Chicago"
    select = _select(client.get("/account").get_data(as_text=True))
    assert '<option selected value="America/Chicago">Chicago (Central Time)</option>' in select


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Base",  # no such zone
        "Europe/london",  # a spelling no list offers
        "",  # nothing chosen (the script's search matched nothing)
        "Etc/GMT+5",  # real, but no country's city: not offered
        "../../etc/passwd",
    ],
)
def test_a_zone_not_offered_is_refused_and_nothing_changes(app, client, tess, zone):
    sign_in(client, "tess@example.org")
    response = client.post("/account", data=PROFILE | {"display_name": "Changed", "timezone": zone})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="timezone-error"' in page
    assert "Choose a country, then a city, from the lists." in page
    assert _saved_zone(app, tess) == "Europe/London"
    with app.app_context():
        assert db.session.get(User, tess).display_name == "Tess"


def test_a_zone_saved_before_under_an_old_name_is_kept_on_offer(app, client, tess):
    with committed(app):
        db.session.get(User, tess).timezone = "America/Buenos_Aires"  # now Argentina/Buenos_Aires
    sign_in(client, "tess@example.org")
    select = _select(client.get("/account").get_data(as_text=True))
    assert '<option selected value="America/Buenos_Aires">' in select
    response = client.post("/account", data=PROFILE | {"timezone": "America/Buenos_Aires"})
    assert response.status_code == 302 and _saved_zone(app, tess) == "America/Buenos_Aires"


def test_every_zone_offered_is_a_real_one(app):
    from zoneinfo import ZoneInfo

    with app.test_request_context():
        offered = [choice.value for choice in timezone_choices("en")]
    assert len(offered) == len(set(offered)) > 400
    for zone in offered:
        ZoneInfo(zone)  # raises for a zone this machine cannot load


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("America/Chicago", "1 Jan 2026, 14:00"),
        ("Pacific/Auckland", "2 Jan 2026, 09:00"),
        ("Europe/London", "1 Jan 2026, 20:00"),
    ],
)
def test_the_saved_zone_is_used_by_the_date_filters(app, client, tess, zone, shown):
    with committed(app):
        [made] = notifications.notify(
            [db.session.get(User, tess)], "test", "A test", notifications.link_to("home.index")
        )
        made.created_at = EVENING
    sign_in(client, "tess@example.org")
    assert client.post("/account", data=PROFILE | {"timezone": zone}).status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert f"· {shown}</span>" in page
    with app.app_context():
        assert db.session.query(Notification).filter_by(user_id=tess).count() == 1


def test_times_shown_to_people_have_no_seconds(app, tess):
    moment = datetime(2026, 1, 1, 20, 0, 59, tzinfo=UTC)
    for zone, shown in (
        ("Europe/London", "1 Jan 2026, 20:00"),
        ("Pacific/Auckland", "2 Jan 2026, 09:00"),
    ):
        with app.test_request_context():
            user = db.session.get(User, tess)
            user.timezone = zone
            login_user(user)
            assert datetime_text(moment) == shown  # medium date, short time: no ":59"
