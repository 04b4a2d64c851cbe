"""A person's security page and coordinators' policy and reset pages, through the real forms:
who may do what, refusals beside their field, and nothing half-done."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, AuthenticatorApp, LoginSession, RecoveryCode, Role, User
from app.services.second_factor import recovery
from tests.builders.people import make_user
from tests.builders.second_factor import code_now, confirmed_app, required_for
from tests.builders.web import client_as, committed


@pytest.fixture
def people(app):
    with committed(app):
        coordinator = make_user(Role.COORDINATOR, email="cora@example.org", name="Cora")
        supervisor = make_user(Role.SUPERVISOR, email="sam@example.org", name="Sam")
        trainee = make_user(Role.TRAINEE, email="tess@example.org", name="Tess")
        secret = confirmed_app(supervisor)
        recovery.issue(supervisor)
        return {
            "coordinator": coordinator.id,
            "supervisor": supervisor.id,
            "trainee": trainee.id,
            "secret": secret,
        }


def _sam_in(app, people):
    client = app.test_client()
    client.post("/login", data={"email": "sam@example.org", "password": "correct horse battery"})
    assert (
        client.post("/login/second-step", data={"code": code_now(people["secret"])}).status_code
        == 302
    )
    return client


def _count(app, model, user_id):
    with committed(app):
        return db.session.scalar(
            select(func.count()).select_from(model).where(model.user_id == user_id)
        )


def test_the_security_page_shows_what_the_person_signs_in_with(app, people):
    page = _sam_in(app, people).get("/account/security")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "You sign in with a code from your authenticator app." in text
    assert "10 unused recovery codes" in text


def test_new_recovery_codes_are_shown_once_and_replace_the_old(app, people, mailbox):
    client = _sam_in(app, people)
    response = client.post("/account/security/recovery-codes")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert text.count("<li><code>") == 10
    assert _count(app, RecoveryCode, people["supervisor"]) == 10
    assert "the old ones no longer work" in mailbox.to("sam@example.org")[0].get_content()


def test_the_last_factor_of_someone_who_must_have_one_cannot_be_removed(app, people):
    client = _sam_in(app, people)
    with required_for(app, "supervisor"):
        response = client.post("/account/security/app/remove", follow_redirects=True)
    assert "Your role needs a second factor" in response.get_data(as_text=True)
    assert _count(app, AuthenticatorApp, people["supervisor"]) == 1


def test_without_the_requirement_the_app_can_be_removed_and_the_owner_is_told(app, people, mailbox):
    client = _sam_in(app, people)
    response = client.post("/account/security/app/remove", follow_redirects=True)
    assert "The authenticator app is removed." in response.get_data(as_text=True)
    assert _count(app, AuthenticatorApp, people["supervisor"]) == 0
    assert "removed" in mailbox.to("sam@example.org")[0].get_content()


def test_anothers_passkey_id_removes_nothing(app, people):
    client = _sam_in(app, people)
    response = client.post("/account/security/passkeys/999999/remove", follow_redirects=True)
    assert "That passkey is not among yours." in response.get_data(as_text=True)


def test_the_coordinator_sets_the_policy_and_it_is_audited(app, people):
    coordinator = client_as(app, "cora@example.org")
    page = coordinator.get("/people/second-factor-policy")
    assert page.status_code == 200
    response = coordinator.post("/people/second-factor-policy", data={"trainee": "y"})
    assert response.status_code == 302
    with committed(app):
        changes = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "second_factor.policy_changed")
        ).all()
        assert [c.after for c in changes] == [{"role": "trainee", "required": True}]
    checked = coordinator.get("/people/second-factor-policy").get_data(as_text=True)
    # The test config requires nobody; now trainees alone.
    assert re.findall(r'<input (checked )?id="(\w+)"', checked) == [
        ("", "coordinator"),
        ("", "supervisor"),
        ("checked ", "trainee"),
    ]


@pytest.mark.parametrize("who", ["trainee", "supervisor"])
def test_only_coordinators_reach_the_policy_and_resets(app, people, who):
    client = _sam_in(app, people) if who == "supervisor" else client_as(app, "tess@example.org")
    assert client.get("/people/second-factor-policy").status_code == 403
    assert client.get(f"/people/{people['trainee']}/second-factor").status_code == 403


def test_a_coordinator_resets_someones_second_factor_for_a_reason(app, people, mailbox):
    sam = _sam_in(app, people)
    coordinator = client_as(app, "cora@example.org")
    path = f"/people/{people['supervisor']}/second-factor"
    page = coordinator.get(path).get_data(as_text=True)
    assert "Unused recovery codes" in page
    missing = coordinator.post(path, data={"reason": "   "})
    assert missing.status_code == 422 and "Say why" in missing.get_data(as_text=True)
    nul = coordinator.post(path, data={"reason": "lost\x00phone"})
    assert nul.status_code == 422
    assert _count(app, AuthenticatorApp, people["supervisor"]) == 1
    done = coordinator.post(path, data={"reason": "Phone stolen; called Sam to check"})
    assert done.status_code == 302
    assert _count(app, AuthenticatorApp, people["supervisor"]) == 0
    assert _count(app, RecoveryCode, people["supervisor"]) == 0
    assert _count(app, LoginSession, people["supervisor"]) == 0
    assert sam.get("/account").status_code == 302  # signed out everywhere
    assert (
        "A coordinator reset your second factor" in mailbox.to("sam@example.org")[-1].get_content()
    )
    with committed(app):
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "second_factor.reset")
        ).all()
        assert event.after["reason"] == "Phone stolen; called Sam to check"
        assert event.subject_id == people["supervisor"]


def test_nobody_resets_their_own_and_a_guessed_id_is_not_found(app, people):
    coordinator = client_as(app, "cora@example.org")
    assert coordinator.get(f"/people/{people['coordinator']}/second-factor").status_code == 403
    assert coordinator.get("/people/987654/second-factor").status_code == 404


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'{"credential": "\\u0000"}', b'{"credential": {"id": 5}}'],
)
def test_garbage_passkey_answers_get_a_clear_json_refusal(app, people, body):
    client = _sam_in(app, people)
    assert client.post("/account/security/passkeys/options").status_code == 200
    response = client.post("/account/security/passkeys", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert "error" in response.get_json()
    assert (
        client.post("/login/passkey", data=body, content_type="application/json").status_code == 400
    )


def test_a_passkey_answer_without_its_challenge_is_refused(app, people):
    client = _sam_in(app, people)
    response = client.post("/account/security/passkeys", json={"name": "Phone", "credential": {}})
    assert response.status_code == 400
    assert "expired" in response.get_json()["error"]
    with committed(app):
        assert db.session.get(User, people["supervisor"]).passkey_handle is None


@pytest.mark.parametrize(
    ("base_url", "origin"),
    [
        ("http://127.0.0.1:5000", ""),
        ("http://[::1]:5000", ""),
        ("http://localhost:5000", "http://localhost:5000"),
        ("https://attune.example.org/", "https://attune.example.org"),
    ],
)
def test_passkeys_are_offered_only_at_a_named_origin(app, client, base_url, origin):
    """Browsers make no passkeys for an IP address: there the sign-in page offers none."""
    before = app.config["BASE_URL"]
    app.config["BASE_URL"] = base_url
    try:
        page = client.get("/login").get_data(as_text=True)
    finally:
        app.config["BASE_URL"] = before
    assert f'data-origin="{origin}"' in page
