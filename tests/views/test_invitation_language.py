"""A coordinator invites someone in a language: the inviter's own unless another is chosen; the
invitation e-mail is written in it and the new account speaks it. A language not offered is
refused beside the field, and nobody is invited."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Role, User
from tests.builders.people import make_user
from tests.builders.web import committed, sign_in

INVITEE = "daan@example.org"


@pytest.fixture
def coordinator(app):
    with committed(app):
        make_user(Role.COORDINATOR, email="cleo@example.org", name="Cleo")
    return "cleo@example.org"


def _invite(client, **overrides):
    data = {"email": INVITEE, "display_name": "Daan", "roles": ["trainee"], **overrides}
    return client.post("/people/invite", data=data)


def _invitee(app) -> User | None:
    with committed(app):
        return db.session.scalar(select(User).where(User.email == INVITEE))


def test_the_form_offers_each_language_with_the_inviters_own_chosen(app, client, coordinator):
    sign_in(client, coordinator)
    page = client.get("/people/invite").get_data(as_text=True)
    assert '<option lang="en" selected value="en">English</option>' in page
    assert '<option lang="nl" value="nl">Nederlands</option>' in page
    with committed(app):
        db.session.scalar(select(User).where(User.email == coordinator)).locale = "nl"
    page = client.get("/people/invite").get_data(as_text=True)
    assert "Iemand uitnodigen" in page
    assert '<option lang="nl" selected value="nl">Nederlands</option>' in page


def test_invited_in_dutch_by_an_english_coordinator(app, client, coordinator, mailbox):
    sign_in(client, coordinator)
    response = _invite(client, locale="nl")
    assert response.status_code == 302
    # The coordinator reads their own pages in English still.
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"An invitation is on its way to {INVITEE}." in shown
    [message] = mailbox.to(INVITEE)
    assert message["Subject"] == "Je bent uitgenodigd voor Attune"
    body = mailbox.body(message)
    assert "Hallo Daan," in body and "Cleo heeft je uitgenodigd voor Attune" in body
    assert "invited" not in body
    invitee = _invitee(app)
    assert invitee is not None and invitee.locale == "nl"
    with committed(app):
        [event] = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "user.created", AuditEvent.subject_id == invitee.id
            )
        ).all()
        assert event.after["locale"] == "nl"


def test_without_a_choice_the_inviters_language_is_the_invitees(app, client, coordinator, mailbox):
    with committed(app):
        db.session.scalar(select(User).where(User.email == coordinator)).locale = "nl"
    sign_in(client, coordinator)
    assert _invite(client).status_code == 302  # no language sent: an older form, a script
    [message] = mailbox.to(INVITEE)
    assert message["Subject"] == "Je bent uitgenodigd voor Attune"
    assert _invitee(app).locale == "nl"


def test_an_english_invitation_from_a_dutch_coordinator(app, client, coordinator, mailbox):
    with committed(app):
        db.session.scalar(select(User).where(User.email == coordinator)).locale = "nl"
    sign_in(client, coordinator)
    response = _invite(client, locale="en")
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Er is een uitnodiging onderweg naar {INVITEE}." in shown
    [message] = mailbox.to(INVITEE)
    assert message["Subject"] == "You are invited to Attune"
    assert "Cleo has invited you to Attune" in mailbox.body(message)
    assert _invitee(app).locale == "en"


@pytest.mark.parametrize(
    "code",
    ["xx", "", "NL", "nl\x00", "../../etc/passwd", "<script>alert(1)</script>", "ne" * 5000],
)
def test_a_language_not_offered_is_refused_beside_the_field(
    app, client, coordinator, mailbox, code
):
    sign_in(client, coordinator)
    response = _invite(client, locale=code)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="locale-error"' in page
    assert "<script>alert(1)</script>" not in page
    assert mailbox.to(INVITEE) == []
    with committed(app):
        assert (
            db.session.scalar(select(func.count()).select_from(User).filter_by(email=INVITEE)) == 0
        )
