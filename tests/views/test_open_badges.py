"""Certificates as Open Badges 3.0 credentials: the download, the public documents it points at,
and the 1EdTech revocation list."""

import json
from datetime import date
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from app.models import Certificate
from app.services.certificates.open_badges import slug
from tests.builders.signoff import accredited_world
from tests.builders.web import client_as, committed
from tests.views.test_certificate_pages import _certificate, _issue

BASE = "http://attune.test"
REASON = "Accreditation obtained by mistake"


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return accredited_world()


def _download(app, world, certificate, who="trainee"):
    response = client_as(app, world[who]).get(f"/certificates/{certificate.id}/badge.json")
    assert response.status_code == 200
    return response


def _public(app, url):
    """GET an absolute URL the credential gives, as a verifier without an account would."""
    assert url.startswith(BASE + "/"), url
    return app.test_client().get(urlsplit(url).path)


def test_the_badge_is_an_open_badge_credential_with_every_printed_field(app, world):
    _issue(app, world, name="Łucja Ωμέγα-Дмитриева")
    certificate = _certificate(app)
    response = _download(app, world, certificate)
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="attune-badge-{certificate.number}.json"'
    )
    badge = json.loads(response.data)
    assert badge["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["id"] == f"{BASE}/open-badges/credentials/{certificate.public_id}"
    assert badge["issuer"]["type"] == ["Profile"]
    assert badge["issuer"]["name"] == certificate.body
    assert badge["issuer"]["id"] == f"{BASE}/open-badges/issuers/{slug(certificate.body)}"
    assert badge["name"] == certificate.scheme_title
    issued = certificate.issued_at.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    assert badge["validFrom"] == issued
    assert "validUntil" not in badge  # the AVIGuk scheme sets no expiry
    subject = badge["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "Łucja Ωμέγα-Дмитриева",
        }
    ]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == certificate.scheme_title
    assert achievement["version"] == certificate.scheme_version
    for value in (certificate.scheme_title, certificate.scheme_version, certificate.body):
        assert value in achievement["criteria"]["narrative"], value
    [evidence] = badge["evidence"]
    assert evidence["id"] == f"{BASE}/verify/{certificate.number}"
    for value in (
        certificate.accredited_on.isoformat(),
        certificate.assessor_name,
        certificate.evidence_digest,
    ):
        assert value in evidence["narrative"], value
    assert badge["credentialStatus"] == {
        "id": f"{BASE}/open-badges/issuers/{slug(certificate.body)}/revocations",
        "type": "1EdTechRevocationList",
    }
    assert "proof" not in badge  # unsigned: see app/services/certificates/open_badges.py


def test_an_expiring_certificate_gives_valid_until_its_last_day(app, world):
    _issue(app, world)
    certificate = _certificate(app)
    with committed(app):
        db.session.get(Certificate, certificate.id).expires_on = date(2029, 3, 31)
    badge = json.loads(_download(app, world, certificate).data)
    assert badge["validUntil"] == "2029-03-31T23:59:59Z"


def test_the_ids_in_the_credential_dereference_publicly(app, world):
    _issue(app, world)
    certificate = _certificate(app)
    badge = json.loads(_download(app, world, certificate).data)
    again = _public(app, badge["id"])
    assert again.status_code == 200
    assert json.loads(again.data) == badge
    issuer = json.loads(_public(app, badge["issuer"]["id"]).data)
    assert issuer["id"] == badge["issuer"]["id"] and issuer["name"] == certificate.body
    assert issuer["@context"] == badge["@context"][:2]
    achievement = json.loads(_public(app, badge["credentialSubject"]["achievement"]["id"]).data)
    assert achievement["name"] == certificate.scheme_title
    assert achievement["criteria"] == badge["credentialSubject"]["achievement"]["criteria"]
    status = _public(app, badge["credentialStatus"]["id"])
    assert status.status_code == 200
    assert json.loads(status.data) == {
        "id": badge["credentialStatus"]["id"],
        "issuer": badge["issuer"]["id"],
        "revokedCredentials": [],
    }
    assert _public(app, badge["evidence"][0]["id"]).status_code == 200


def test_the_revocation_list_names_the_credential_once_a_coordinator_revokes_it(app, world):
    _issue(app, world)
    certificate = _certificate(app)
    badge = json.loads(_download(app, world, certificate).data)
    before = json.loads(_public(app, badge["credentialStatus"]["id"]).data)
    assert before["revokedCredentials"] == []
    coordinator = client_as(app, world["coordinator"])
    coordinator.post(
        f"/certificates/{certificate.id}/revoke", data={"reason": REASON, "scope": "document"}
    )
    assert _certificate(app).revoked_at is not None
    after = _public(app, badge["credentialStatus"]["id"])
    assert json.loads(after.data)["revokedCredentials"] == [
        {"id": badge["id"], "revoked": True, "revocationReason": REASON}
    ]
    assert "Tess Trainee" not in after.get_data(as_text=True)
    # A revoked id, now public, does not lead to the holder's name.
    gone = _public(app, badge["id"])
    assert gone.status_code == 410 and json.loads(gone.data) == {"error": "revoked"}
    # The holder can still download it; verifiers then find it on the list.
    assert json.loads(_download(app, world, certificate).data)["id"] == badge["id"]


def test_the_revocation_list_shows_nothing_of_current_or_superseded_certificates(app, world):
    _issue(app, world)
    old = _certificate(app)
    client_as(app, world["coordinator"]).post(
        f"/certificates/{old.id}/reissue", data={"holder_name": "Tess Married-Name"}
    )
    new = _certificate(app)
    assert new.id != old.id
    listing = app.test_client().get(f"/open-badges/issuers/{slug(old.body)}/revocations")
    text = listing.get_data(as_text=True)
    assert json.loads(text)["revokedCredentials"] == []
    for secret in ("Tess Trainee", "Tess Married-Name", old.public_id, new.public_id):
        assert secret not in text


@pytest.mark.parametrize(("who", "expected"), [("trainee", 200), ("coordinator", 200)])
def test_the_holder_and_coordinators_download_the_badge(app, world, who, expected):
    _issue(app, world)
    certificate = _certificate(app)
    response = client_as(app, world[who]).get(f"/certificates/{certificate.id}/badge.json")
    assert response.status_code == expected


def test_strangers_and_anonymous_visitors_do_not_get_the_badge(app, world):
    _issue(app, world)
    certificate = _certificate(app)
    path = f"/certificates/{certificate.id}/badge.json"
    assert client_as(app, world["stranger"]).get(path).status_code == 404
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302
    assert urlsplit(anonymous.headers["Location"]).path == "/login"
    assert app.test_client().get("/certificates/999999/badge.json").status_code == 302


def test_the_certificate_page_links_to_the_badge(app, world):
    _issue(app, world)
    certificate = _certificate(app)
    page = client_as(app, world["trainee"]).get(f"/certificates/{certificate.id}")
    assert f'href="/certificates/{certificate.id}/badge.json"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/open-badges/credentials/not-a-real-id",
        "/open-badges/issuers/nobody",
        "/open-badges/issuers/nobody/revocations",
        "/open-badges/issuers/nobody/achievements/anything",
    ],
)
def test_unknown_public_ids_answer_404_in_json(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.data) == {"error": "not_found"}


def test_an_unknown_achievement_of_a_known_issuer_is_404(app, world):
    _issue(app, world)
    body = _certificate(app).body
    path = f"/open-badges/issuers/{slug(body)}/achievements/no-such-scheme"
    assert app.test_client().get(path).status_code == 404


def test_slugs_are_stable_url_segments():
    assert slug("Association for Video Interaction Guidance UK (AVIGuk)") == (
        "association-for-video-interaction-guidance-uk-aviguk"
    )
    assert slug("Dutch/Flemish association (VIB)") == "dutch-flemish-association-vib"
    cyrillic = slug("Ассоциация")
    assert len(cyrillic) == 16 and cyrillic == slug("Ассоциация")
