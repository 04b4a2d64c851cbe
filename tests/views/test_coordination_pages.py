"""The pipeline dashboard, its lists and cohorts through the pages: numbers on known data,
search, filters, sorting, pages, CSV of exactly what is shown, authorization, bad input."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    Cohort,
    CohortKind,
    CohortMember,
    Enrolment,
    MeetingStatus,
    Role,
    Scheme,
    StageMeeting,
    User,
)
from app.services.coordination import cohorts
from app.services.people import directory
from app.services.signoff import meetings
from tests.builders import pipeline as pipeline_world
from tests.builders.web import client_as, committed
from tests.query_counter import count_queries

BOM = b"\xef\xbb\xbf"


def _today():
    # The pages count days in the coordinator's time zone (the default one).
    return datetime.now(ZoneInfo("Europe/London")).date()


@pytest.fixture
def world(app, schemes):
    with committed(app):
        built = pipeline_world.build(_today())
        built.coordinator.email = "cora@example.org"
        built.supervisor.email = "sam@example.org"
        built.late.trainee.email = "lena@example.org"
        db.session.flush()
        return {
            "late": built.late.id,
            "fine": built.fine.id,
            "quiet": built.quiet.id,
            "waiting": built.waiting.id,
            "late_trainee": built.late.trainee_id,
            "fine_email": built.fine.trainee.email,
            "renewing_email": built.renewing.trainee.email,
            "renewing_name": built.renewing.trainee.display_name,
            "coordinator": built.coordinator.id,
        }


def _names(page: str) -> list[str]:
    """The linked first cell of each row of the page's lists (not the counts by stage)."""
    cells = re.findall(r"<tr>\s*<td><a href=\"[^\"]+\">(.*?)</a></td>", page, re.S)
    return [cell for cell in cells if not cell.isdigit()]


def _csv(client, path):
    response = client.get(path)
    try:
        assert response.status_code == 200
        assert response.is_streamed and response.mimetype == "text/csv"
        body = response.get_data()
    finally:
        response.close()
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_dashboard_shows_counts_waits_risks_and_load(app, world):
    client = client_as(app, "cora@example.org")
    page = client.get("/coordination").get_data(as_text=True)
    assert "Enrolments by scheme and stage" in page
    assert re.search(r"Meetings without an assessor <span class=\"count\">\(1\)</span>", page)
    assert re.search(r"Passes to ratify <span class=\"count\">\(1\)</span>", page)
    assert re.search(r"Certificates to issue <span class=\"count\">\(1\)</span>", page)
    assert re.search(r"Renewals due <span class=\"count\">\(1\)</span>", page)
    assert re.search(r"Trainees at risk <span class=\"count\">\(3\)</span>", page)
    names = _names(page)
    for name in ("Lena Late", "Quinn Quiet", "Wren Waiting", "Finn Fine", "Sam Supervisor"):
        assert name in names
    # Stage 1 of the current AVIGuk scheme holds the four active trainees.
    aviguk = page.split("<caption>")[1]
    assert re.findall(r"<td>(\d+)</td>", aviguk)[:4] == ["0", "4", "0", "0"]


def test_at_risk_list_filters_by_reason_and_says_why(app, world):
    client = client_as(app, "cora@example.org")
    page = client.get("/coordination/at-risk?reason=no_supervision").get_data(as_text=True)
    assert _names(page) == ["Quinn Quiet"]
    assert "no confirmed supervision recently" in page
    everyone = client.get("/coordination/at-risk?sort=trainee").get_data(as_text=True)
    assert _names(everyone) == ["Lena Late", "Quinn Quiet", "Wren Waiting"]
    backwards = client.get("/coordination/at-risk?sort=-trainee").get_data(as_text=True)
    assert _names(backwards) == ["Wren Waiting", "Quinn Quiet", "Lena Late"]
    searched = client.get("/coordination/at-risk?q=QUIN").get_data(as_text=True)
    assert _names(searched) == ["Quinn Quiet"]


def test_list_csv_is_exactly_the_filtered_sorted_list(app, world):
    client = client_as(app, "cora@example.org")
    page = client.get("/coordination/at-risk?sort=-trainee").get_data(as_text=True)
    assert 'href="/coordination/at-risk/export.csv?sort=-trainee"' in page
    rows = _csv(client, "/coordination/at-risk/export.csv?sort=-trainee")
    headers = re.findall(r"<th scope=\"col\"[^>]*>(?:<a [^>]+>)?([^<]+)", page)
    assert rows[0] == headers
    assert [r[0] for r in rows[1:]] == _names(page)
    assert rows[1][6] == "sessions waiting long for confirmation"
    with committed(app):
        exported = db.session.query(AuditEvent).filter_by(action="list.exported").one()
        assert exported.after == {"list": "at-risk", "sort": "-trainee"}


def test_supervisors_load_list_and_its_csv(app, world):
    client = client_as(app, "cora@example.org")
    rows = _csv(client, "/coordination/supervisors/export.csv?q=sam")
    assert rows[0][:4] == ["Supervisor", "Grade", "Supervisees", "Sessions to confirm"]
    assert rows[1][:4] == ["Sam Supervisor", "Supervisor", "4", "1"]
    assert rows[1][4] == "16"
    page = client.get("/coordination/supervisors?q=sam").get_data(as_text=True)
    with app.app_context():
        sam = db.session.scalar(select(User.id).where(User.email == "sam@example.org"))
    assert f'href="/people/{sam}"' in page and ">Supervisor</td>" in page


def test_lists_paginate(app, world):
    app.config["PAGE_SIZE"] = 2
    try:
        client = client_as(app, "cora@example.org")
        first = client.get("/coordination/at-risk?sort=trainee").get_data(as_text=True)
        second = client.get("/coordination/at-risk?sort=trainee&page=2").get_data(as_text=True)
        beyond = client.get("/coordination/at-risk?sort=trainee&page=9")
    finally:
        app.config["PAGE_SIZE"] = 25
    assert _names(first) == ["Lena Late", "Quinn Quiet"] and "Page 1 of 2" in first
    assert _names(second) == ["Wren Waiting"]
    assert beyond.status_code == 200 and _names(beyond.get_data(as_text=True)) == []


def test_unknown_list_and_bad_arguments(app, world):
    client = client_as(app, "cora@example.org")
    assert client.get("/coordination/nothing-such").status_code == 404
    odd = client.get("/coordination/at-risk?sort=;drop&reason=zzz&scheme=x&cohort=-1&page=abc")
    assert odd.status_code == 200
    assert len(_names(odd.get_data(as_text=True))) == 3


@pytest.mark.parametrize("value", ["99999999999999999999", "\u00b2", "-1", "x"])
def test_a_filter_no_option_holds_is_ignored(app, world, value):
    # Beyond the database's integer (OverflowError on SQLite, out of range on PostgreSQL), or
    # a digit int() cannot read ("²"): these were 500s; a filter nobody offered filters nothing.
    client = client_as(app, "cora@example.org")
    created = client.post("/cohorts/new", data={"name": "Filters", "kind": "course"})
    cohort = created.headers["Location"]
    for path, names in [
        ("/coordination/at-risk", ("scheme", "cohort")),
        ("/coordination/certificates-to-issue", ("scheme", "cohort")),
        (cohort, ("scheme", "stage")),
    ]:
        plain = _names(client.get(path).get_data(as_text=True))
        for name in names:
            odd = client.get(path, query_string={name: value})
            assert odd.status_code == 200, (path, name)
            assert _names(odd.get_data(as_text=True)) == plain, (path, name)
            assert client.get(f"{path}/export.csv", query_string={name: value}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/coordination",
        "/coordination/at-risk",
        "/coordination/at-risk/export.csv",
        "/cohorts",
        "/cohorts/new",
        "/cohorts/export.csv",
    ],
)
def test_only_coordinators_reach_the_workspace(app, world, path):
    for email in ("sam@example.org", "lena@example.org"):
        assert client_as(app, email).get(path).status_code == 403
    assert app.test_client().get(path).status_code == 302  # to sign in


def test_cohort_journey(app, world):
    client = client_as(app, "cora@example.org")
    bad = client.post("/cohorts/new", data={"name": " ", "kind": "course"})
    assert bad.status_code == 422 and "Give the cohort a name." in bad.get_data(as_text=True)
    created = client.post(
        "/cohorts/new", data={"name": "Leeds spring 2026", "kind": "course", "description": ""}
    )
    assert created.status_code == 302
    with committed(app):
        cohort_id = db.session.query(Cohort).filter_by(name="Leeds spring 2026").one().id
    duplicate = client.post("/cohorts/new", data={"name": "leeds SPRING 2026", "kind": "region"})
    assert "Another cohort already has this name." in duplicate.get_data(as_text=True)

    refused = client.post(
        f"/cohorts/{cohort_id}/members",
        data={"addresses": "lena@example.org, nobody@example.org, sam@example.org"},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "No trainee has these addresses: nobody@example.org and sam@example.org" in text
    assert "lena@example.org, nobody@example.org" in text  # what was typed is kept
    with committed(app):
        assert db.session.query(CohortMember).count() == 0  # all or none

    addresses = [world["fine_email"], world["renewing_email"]]  # active, and accredited
    added = client.post(
        f"/cohorts/{cohort_id}/members",
        data={"addresses": "\n".join(["LENA@example.org", *addresses])},
    )
    assert added.status_code == 302
    page = client.get(f"/cohorts/{cohort_id}?sort=trainee").get_data(as_text=True)
    assert "Who is in which stage" in page
    members = _names(page)
    assert "Lena Late" in members and len(members) == 3
    assert "past the expected date" in page

    rows = _csv(client, f"/cohorts/{cohort_id}/export.csv?sort=trainee")
    assert rows[0][:4] == ["Trainee", "Scheme", "Stage", "Status"]
    assert [r[0] for r in rows[1:]] == members

    stage_one = client.get(f"/cohorts/{cohort_id}?stage=1&status=active").get_data(as_text=True)
    assert sorted(_names(stage_one)) == ["Finn Fine", "Lena Late"]
    accredited = client.get(f"/cohorts/{cohort_id}?status=accredited").get_data(as_text=True)
    assert _names(accredited) == [world["renewing_name"]]

    listing = client.get("/cohorts?q=leeds").get_data(as_text=True)
    assert "Leeds spring 2026" in listing and "<td>3</td>" in listing

    # Taking someone out is a page of its own, linked from the cohort's (its buttons are one
    # form each: a page of 100 trainees stays light).
    shown = client.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert f'href="/cohorts/{cohort_id}/members"' in shown and "Take Lena Late out" not in shown
    take_out = client.get(f"/cohorts/{cohort_id}/members").get_data(as_text=True)
    assert "Take Lena Late out of the cohort" in take_out and "Delete this cohort" in take_out
    removed = client.post(f"/cohorts/{cohort_id}/members/{world['late_trainee']}/remove")
    assert removed.status_code == 302
    assert removed.headers["Location"].endswith(f"/cohorts/{cohort_id}/members")
    after = client.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Lena Late" not in _names(after)
    assert client.post(f"/cohorts/{cohort_id}/delete").status_code == 302
    assert client.get(f"/cohorts/{cohort_id}").status_code == 404
    with committed(app):
        actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions[-4:] == [
        "cohort.members_added",
        "list.exported",
        "cohort.member_removed",
        "cohort.deleted",
    ]


def test_cohort_pages_answer_404_for_unknown_ids(app, world):
    client = client_as(app, "cora@example.org")
    for path in (
        "/cohorts/999",
        "/cohorts/999/edit",
        "/cohorts/999/export.csv",
        "/cohorts/999/members",
    ):
        assert client.get(path).status_code == 404
    assert client.post("/cohorts/999/members", data={"addresses": "x@y.z"}).status_code == 404


def test_a_cohorts_filters_offer_only_the_schemes_and_stages_its_trainees_are_in(app, world):
    """Its filters are read from the counts the page shows above the list: no scheme revision
    (of those loaded) nobody in the cohort is enrolled on, no stage none of them has."""
    with committed(app):
        coordinator = db.session.get(User, world["coordinator"])
        cohort = cohorts.create_cohort(coordinator, "Λευκωσία 2026", CohortKind.REGION, "")
        cohorts.add_members(coordinator, cohort, "lena@example.org")
        cohort_id = cohort.id
        loaded = db.session.scalar(select(func.count()).select_from(Scheme))
    page = client_as(app, "cora@example.org").get(f"/cohorts/{cohort_id}").get_data(as_text=True)

    def options(name: str) -> list[str]:
        select_tag = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', page, re.S)
        assert select_tag is not None
        return re.findall(r'<option value="([^"]*)"', select_tag.group(1))[1:]  # after "Any"

    captions = re.findall(r"<caption>(.*?)</caption>", page)
    stages = sorted(set(re.findall(r'<th scope="col">Stage (\d+)<br>', page)), key=int)
    assert len(captions) == 1 < loaded  # Lena's scheme only, of several loaded
    assert options("stage") == stages and stages
    assert len(options("scheme")) == 1
    scheme_id = options("scheme")[0]
    assert f"scheme={scheme_id}&amp;" in page  # the count links filter by the same scheme


def test_dashboard_and_cohort_page_queries_do_not_grow_with_rows(app, world):
    with committed(app):
        coordinator = db.session.get(User, world["coordinator"])
        cohort = cohorts.create_cohort(coordinator, "Everyone", CohortKind.COURSE, "")
        cohort_id = cohort.id
        everyone = [e.trainee.email for e in db.session.query(Enrolment).all()]
        cohorts.add_members(coordinator, cohort, ",".join(everyone))
    client = client_as(app, "cora@example.org")
    counts = {}
    for path in ("/coordination", f"/cohorts/{cohort_id}", "/coordination/at-risk"):
        client.get(path)  # warm
        app.extensions.pop("pipeline_dashboards", None)  # the dashboard gathered, not kept
        with count_queries(app) as statements:
            assert client.get(path).status_code == 200
        counts[path] = len(statements)
    with committed(app):
        pipeline_world.build(_today())  # as many again
        more = [e.trainee.email for e in db.session.query(Enrolment).all()]
        cohorts.add_members(coordinator, db.session.get(Cohort, cohort_id), ",".join(more))
    for path, before in counts.items():
        client.get(path)  # warm
        app.extensions.pop("pipeline_dashboards", None)
        with count_queries(app) as statements:
            assert client.get(path).status_code == 200
        assert len(statements) == before, path


def _without_assessor(page: str) -> str:
    found = re.search(r"Meetings without an assessor <span class=\"count\">\((\d+)\)</span>", page)
    assert found, "the dashboard lists meetings without an assessor"
    return found.group(1)


def _without_token(page: str) -> str:
    masked, found = re.subn(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', page)
    assert found, "the page carries a CSRF token"
    return masked


def test_the_dashboard_is_kept_until_anything_changes(app, world):
    client = client_as(app, "cora@example.org")
    first = client.get("/coordination").get_data(as_text=True)
    with count_queries(app) as statements:
        again = client.get("/coordination").get_data(as_text=True)
    # The sign-out form's CSRF token carries the second it was signed in; the rest is the same page.
    assert _without_token(again) == _without_token(first)
    # Kept: the sign-in's reads and the audit log's newest entry, none of the lists'.
    assert not any("stage_meetings" in s or "supervision_sessions" in s for s in statements)
    assert sum("FROM audit_events" in s for s in statements) == 1


def test_a_decision_shows_on_the_next_dashboard_wherever_it_was_made(app, world):
    client = client_as(app, "cora@example.org")
    assert _without_assessor(client.get("/coordination").get_data(as_text=True)) == "1"
    # Named by another worker or server: straight through the service, not this app's request.
    with committed(app):
        coordinator = db.session.get(User, world["coordinator"])
        waiting = db.session.scalars(
            select(StageMeeting).where(
                StageMeeting.status == MeetingStatus.REQUESTED, StageMeeting.assessor_id.is_(None)
            )
        ).one()
        assessor = db.session.scalars(select(User).where(User.display_name == "Ada Assessor")).one()
        meetings.name_assessor(coordinator, waiting.id, assessor, _today())
    page = client.get("/coordination").get_data(as_text=True)
    assert _without_assessor(page) == "0"
    assert "Nothing waits here." in page.split("Meetings without an assessor")[1].split("<h2")[0]


def test_the_day_the_language_and_the_query_keep_their_own_dashboards(app, world):
    client = client_as(app, "cora@example.org")
    client.get("/coordination")
    searched = client.get("/coordination?q=quinn").get_data(as_text=True)
    # The search narrows every list: Finn Fine's meeting is not Quinn's.
    assert _without_assessor(searched) == "0"
    assert _without_assessor(client.get("/coordination").get_data(as_text=True)) == "1"


def _headline(page: str) -> tuple[str, str, str]:
    """The coordinator's home's three counts: people, active enrolments, invitations."""
    found = re.findall(r'<div class="card"><h3>([\d,.]+)</h3>', page)
    assert len(found) == 3, "the home shows the coordination counts"
    return found[0], found[1], found[2]


def test_the_home_counts_are_kept_until_anything_changes_and_follow_a_change(app, world):
    client = client_as(app, "cora@example.org")
    first = _headline(client.get("/").get_data(as_text=True))
    with count_queries(app) as statements:
        assert _headline(client.get("/").get_data(as_text=True)) == first
    assert not any("FROM auth_tokens" in s for s in statements)  # kept: not counted again
    # An invitation made by another worker or server: straight through the service.
    with committed(app):
        coordinator = db.session.get(User, world["coordinator"])
        directory.invite_person(
            coordinator, "newcomer@example.org", "Newcomer", [Role.TRAINEE], None, timedelta(7)
        )
    people, active, invited = _headline(client.get("/").get_data(as_text=True))
    assert (people, active) == (str(int(first[0]) + 1), first[1])
    assert invited == str(int(first[2]) + 1)
