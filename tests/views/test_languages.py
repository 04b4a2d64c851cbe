"""Choosing the language: the browser's before signing in, or the footer's choice (a cookie);
the account's own once signed in, chosen on the account page. English and Dutch are offered."""

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.i18n import LANGUAGE_COOKIE
from app.models import AuditEvent, Role, User
from tests.builders.people import make_user
from tests.builders.web import committed, sign_in


@pytest.fixture
def person(app):
    with committed(app):
        make_user(Role.TRAINEE, email="tess@example.org", name="Tess")
    return "tess@example.org"


def _heading(client, **headers) -> str:
    return client.get("/login", headers=headers).get_data(as_text=True)


def test_before_signing_in_the_browsers_language_decides(client):
    assert "Inloggen bij Attune" in _heading(client, **{"Accept-Language": "nl-BE,nl;q=0.9"})
    assert "Sign in to Attune" in _heading(client, **{"Accept-Language": "en-GB"})
    assert "Sign in to Attune" in _heading(client, **{"Accept-Language": "ja"})  # not offered


def test_the_footers_choice_outlasts_the_browsers(client):
    response = client.post("/language", data={"language": "nl", "next": "/password/forgot"})
    assert response.status_code == 302 and response.headers["Location"] == "/password/forgot"
    assert client.get_cookie(LANGUAGE_COOKIE).value == "nl"
    assert "Inloggen bij Attune" in _heading(client, **{"Accept-Language": "en"})


@pytest.mark.parametrize("code", ["xx", "", "nl\x00", "../../etc", "ne" * 5000])
def test_a_language_not_offered_is_ignored(client, code):
    response = client.post("/language", data={"language": code, "next": "//evil.example"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get_cookie(LANGUAGE_COOKIE) is None


def test_the_footer_offers_each_language_in_its_own_name(client):
    page = _heading(client)
    assert ">Nederlands<" in page and ">English<" in page


def test_signed_in_the_accounts_language_applies_and_is_chosen_on_the_account_page(
    app, client, person
):
    sign_in(client, person)
    page = client.get("/account").get_data(as_text=True)
    assert '<option lang="en" selected value="en">English</option>' in page
    assert '<option lang="nl" value="nl">Nederlands</option>' in page
    form = {"display_name": "Tess", "timezone": "Europe/London", "notify_by": "immediate"}
    saved = client.post("/account", data={**form, "locale": "nl"}, follow_redirects=True)
    text = saved.get_data(as_text=True)
    assert "Je profiel is opgeslagen." in text and "Je account" in text
    # The browser's language no longer matters once the account has one.
    assert "Je account" in client.get("/account", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    with committed(app):
        user = db.session.scalar(select(User).where(User.email == person))
        assert user.locale == "nl"
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.profile_updated")
        ).all()
        assert (event.before["locale"], event.after["locale"]) == ("en", "nl")


def test_the_choices_a_form_offers_read_in_the_readers_language(app, client, person):
    """Options made once, when the form's module is imported, are worded when shown: in Dutch
    for a Dutch reader, in English for an English one (they were English for everyone)."""
    sign_in(client, person)
    english = client.get("/account").get_data(as_text=True)
    assert "An e-mail for each thing, straight away" in english
    with committed(app):
        db.session.execute(update(User).where(User.email == person).values(locale="nl"))
    dutch = client.get("/account").get_data(as_text=True)
    assert "Meteen een aparte e-mail voor elk punt" in dutch
    assert "An e-mail for each thing, straight away" not in dutch


def test_a_language_not_offered_is_refused_beside_the_field(app, client, person):
    sign_in(client, person)
    form = {"display_name": "Tess", "timezone": "Europe/London", "notify_by": "immediate"}
    response = client.post("/account", data={**form, "locale": "xx"})
    assert response.status_code == 422
    assert 'id="locale-error"' in response.get_data(as_text=True)
    with committed(app):
        assert db.session.scalar(select(User.locale).where(User.email == person)) == "en"


def test_e_mails_are_in_the_recipients_language_not_the_senders(app, client, mailbox):
    """A Dutch supervisor's reset, done by an English coordinator; a reset link asked for from
    an English browser: both e-mails in Dutch."""
    with committed(app):
        make_user(Role.COORDINATOR, email="cora@example.org", name="Cora")
        dutch = make_user(Role.SUPERVISOR, email="daan@example.org", name="Daan")
        dutch.locale = "nl"
        dutch_id = dutch.id
    sign_in(client, "cora@example.org")
    done = client.post(
        f"/people/{dutch_id}/second-factor",
        data={"reason": "Phone lost"},
        headers={"Accept-Language": "en"},
    )
    assert done.status_code == 302
    [notice] = mailbox.to("daan@example.org")
    assert notice["Subject"] == "Je manier van inloggen bij Attune is gewijzigd"
    body = notice.get_content()
    assert "Een coördinator heeft je tweede factor gereset" in body and "Hallo Daan" in body
    anonymous = app.test_client()
    anonymous.post(
        "/password/forgot",
        data={"email": "daan@example.org"},
        headers={"Accept-Language": "en"},
    )
    reset = mailbox.to("daan@example.org")[-1]
    assert reset["Subject"] == "Stel je Attune-wachtwoord opnieuw in"
    # The coordinator's own pages stay English.
    assert "Second factor of Daan" in client.get(f"/people/{dutch_id}/second-factor").get_data(
        as_text=True
    )


def test_wtforms_own_messages_are_in_the_readers_language(app, client, schemes):
    """Messages WTForms words itself (an invalid optional date) follow the reader's language."""
    from tests.builders.evidence import build_world

    with committed(app):
        world = build_world()
        db.session.scalar(select(User).where(User.email == world.trainee)).locale = "nl"
    sign_in(client, world.trainee)
    response = client.post(
        f"/enrolments/{world.enrolment_id}/cases/new",
        data={"setting": "family", "started_on": "2026-01-10", "ended_on": "not a date"},
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Ongeldige datum." in text and "Not a valid date value." not in text


def test_a_services_refusal_is_shown_in_the_readers_language(app, client, person):
    """Services word refusals in English; a Dutch reader sees them in Dutch, beside the field."""
    with committed(app):
        db.session.scalar(select(User).where(User.email == person)).locale = "nl"
    sign_in(client, person)
    form = {"display_name": "Tess", "timezone": "Europe/London", "notify_by": "immediate"}
    response = client.post("/account", data={**form, "locale": "xx"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Kies een van de aangeboden talen." in text
    assert "Choose one of the languages offered." not in text
