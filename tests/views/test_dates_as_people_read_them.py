"""Dates on pages are Babel's medium date in the person's locale ("24 Nov 2026" in British English),
never ISO; the CSV and JSON downloads of the same facts keep ISO 8601."""

import csv
import io
import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from app.extensions import db
from app.models import Certificate, RevocationScope, Role, User
from app.services.certificates import issuing
from tests.builders import pipeline as pipeline_world
from tests.builders.people import make_user
from tests.builders.renewal import DUTCH, accredited
from tests.builders.web import client_as, committed

ACCREDITED_ON = date(2026, 11, 24)
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _medium(day: date) -> str:
    return format_date(day, "medium", locale="en_GB")


def _csv(client, path: str) -> list[list[str]]:
    response = client.get(path)
    try:
        assert response.status_code == 200 and response.mimetype == "text/csv"
        return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    finally:
        response.close()


def _table(page: str) -> str:
    """The page's list (its <table>s), where a date would be a cell."""
    return "".join(re.findall(r"<table>.*?</table>", page, re.S))


@pytest.fixture
def pipeline(app, schemes):
    with committed(app):
        built = pipeline_world.build(datetime.now(ZoneInfo("Europe/London")).date())
        built.coordinator.email = "cora@example.org"
        db.session.flush()
        return built.coordinator.email


def test_the_pipeline_lists_show_medium_dates_and_their_csv_keeps_iso(app, pipeline):
    client = client_as(app, pipeline)
    rows = _csv(client, "/coordination/at-risk/export.csv?sort=trainee")
    header, first = rows[0], rows[1]
    finish = first[header.index("Expected to finish")]
    day = date.fromisoformat(finish)  # ISO 8601 in the file
    page = client.get("/coordination/at-risk?sort=trainee").get_data(as_text=True)
    assert f"<td>{_medium(day)}</td>" in page
    assert ISO.search(_table(page)) is None
    dashboard = client.get("/coordination").get_data(as_text=True)
    assert _medium(day) in dashboard and ISO.search(_table(dashboard)) is None


def test_a_cohorts_members_show_medium_dates_and_its_csv_keeps_iso(app, pipeline):
    client = client_as(app, pipeline)
    created = client.post("/cohorts/new", data={"name": "Dates", "kind": "course"})
    cohort = created.headers["Location"].rsplit("/", 1)[-1]
    trainees = _csv(client, "/coordination/at-risk/export.csv?sort=trainee")[1:]
    with committed(app):
        emails = [
            db.session.query(User).filter_by(display_name=row[0]).one().email for row in trainees
        ]
    client.post(f"/cohorts/{cohort}/members", data={"addresses": "\n".join(emails)})
    rows = _csv(client, f"/cohorts/{cohort}/export.csv?sort=trainee")
    column = rows[0].index("Expected to finish")
    days = [date.fromisoformat(row[column]) for row in rows[1:]]
    assert days
    page = client.get(f"/cohorts/{cohort}?sort=trainee").get_data(as_text=True)
    for day in days:
        assert f"<td>{_medium(day)}</td>" in page
    assert ISO.search(_table(page)) is None


def test_the_enrolment_and_people_csv_keep_iso_days(app, pipeline):
    client = client_as(app, pipeline)
    enrolments = _csv(client, "/enrolments/export.csv")
    started = enrolments[0].index("Started")
    assert all(ISO.fullmatch(row[started]) for row in enrolments[1:])
    people = _csv(client, "/people/export.csv")
    since = people[0].index("Since")
    assert all(ISO.fullmatch(row[since]) for row in people[1:])
    page = client.get("/enrolments").get_data(as_text=True)
    assert ISO.search(_table(page)) is None


@pytest.fixture
def certificate(app, schemes):
    with committed(app):
        p = accredited(DUTCH, ACCREDITED_ON)
        return {"id": p.certificate.id, "number": p.certificate.number, "holder": p.trainee.email}


def test_the_certificate_page_and_verify_show_medium_dates(app, certificate):
    expires = date(2029, 11, 24)  # the Dutch scheme's 36 months
    for page in (
        client_as(app, certificate["holder"]).get(f"/certificates/{certificate['id']}"),
        app.test_client().get(f"/verify/{certificate['number']}"),
    ):
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "<dt>Accredited on</dt><dd>24 Nov 2026</dd>" in text
        assert "<dt>Valid until</dt><dd>24 Nov 2029</dd>" in text
        assert ACCREDITED_ON.isoformat() not in text and expires.isoformat() not in text


def test_verify_json_keeps_iso_days(app, certificate):
    record = json.loads(app.test_client().get(f"/verify/{certificate['number']}.json").data)
    assert record["accredited_on"] == "2026-11-24"
    assert record["expires_on"] == "2029-11-24"


def test_a_revocation_is_dated_in_medium_style_on_verify_and_iso_in_json(app, certificate):
    with committed(app):
        issued = db.session.get(Certificate, certificate["id"])
        coordinator = make_user(Role.COORDINATOR)
        issuing.revoke(coordinator, issued, "Issued by mistake", RevocationScope.DOCUMENT)
        revoked_on = issued.revoked_at.date()
    text = app.test_client().get(f"/verify/{certificate['number']}").get_data(as_text=True)
    assert f"Revoked on {_medium(revoked_on)}." in text
    assert f"Revoked on {revoked_on.isoformat()}" not in text
    record = json.loads(app.test_client().get(f"/verify/{certificate['number']}.json").data)
    assert record["status_since"] == revoked_on.isoformat()
