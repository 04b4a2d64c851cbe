"""Downloading one's data from the account page, and a coordinator downloading a person's."""

import io
import json
import zipfile

import pypdf
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User
from tests.builders.portfolio import HOLDER, PRIVATE, build_portfolio_world
from tests.builders.web import client_as, committed


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return build_portfolio_world()


def _user_id(app, email) -> int:
    with committed(app):
        return db.session.scalar(select(User.id).where(User.email == email))


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    response.close()
    return zipfile.ZipFile(io.BytesIO(data))


def _exports(app) -> list[tuple[int | None, int | None, dict]]:
    with committed(app):
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "subject_access.exported")
        )
        return [(e.actor_id, e.subject_id, e.after) for e in events]


def test_a_trainee_downloads_their_data_and_portfolio(app, world):
    client = client_as(app, world.trainee)
    assert "Download my data" in client.get("/account").get_data(as_text=True)
    archive = _zip(client.post("/account/data"))
    names = archive.namelist()
    assert names[0] == "attune-data.json" and len(names) == 2
    data = json.loads(archive.read("attune-data.json"))
    assert data["account"]["email"] == world.trainee
    assert PRIVATE in json.dumps(data, ensure_ascii=False)  # their own private reflection
    [pdf_name] = [n for n in names if n.endswith(".pdf")]
    reader = pypdf.PdfReader(io.BytesIO(archive.read(pdf_name)))
    assert HOLDER in " ".join(reader.pages[0].extract_text().split())
    trainee_id = _user_id(app, world.trainee)
    assert _exports(app) == [(trainee_id, trainee_id, {"by_self": True, "portfolios": 1})]


def test_a_person_without_enrolments_gets_just_their_data(app, world):
    archive = _zip(client_as(app, world.stranger).post("/account/data"))
    assert archive.namelist() == ["attune-data.json"]
    data = json.loads(archive.read("attune-data.json"))
    assert data["account"]["email"] == world.stranger and data["enrolments"] == []


def test_a_coordinator_downloads_a_persons_data_on_record(app, world):
    client = client_as(app, world.coordinator)
    trainee_id = _user_id(app, world.trainee)
    assert "Download their data" in client.get(f"/people/{trainee_id}").get_data(as_text=True)
    archive = _zip(client.post(f"/people/{trainee_id}/data"))
    data = json.loads(archive.read("attune-data.json"))
    assert data["account"]["email"] == world.trainee
    coordinator_id = _user_id(app, world.coordinator)
    assert _exports(app) == [(coordinator_id, trainee_id, {"by_self": False, "portfolios": 1})]


@pytest.mark.parametrize("who", ["trainee", "supervisor", "assessor", "stranger"])
def test_nobody_but_a_coordinator_downloads_someone_elses_data(app, world, who):
    client = client_as(app, getattr(world, who))
    other = _user_id(app, world.stranger if who == "trainee" else world.trainee)
    response = client.post(f"/people/{other}/data")
    assert response.status_code == 403
    assert _exports(app) == []


def test_an_unknown_person_is_404_and_signed_out_people_are_sent_to_sign_in(app, world, client):
    response = client.post("/account/data")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    coordinator = client_as(app, world.coordinator)
    assert coordinator.post("/people/99999/data").status_code == 404
    assert _exports(app) == []
