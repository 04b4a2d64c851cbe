"""The pipeline lists' cohort filter once an association has more cohorts than a drop-down can
hold: a typed name (exact, in any case or script, else every cohort containing it), names
suggested as one types, `?cohort=<id>` still honoured, and odd input answered plainly."""

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.lists.cohort_filter import DROP_DOWN_MOST
from app.models import CohortKind
from app.services.coordination import cohorts
from app.services.coordination.cohort_names import MOST_SUGGESTED
from tests.builders import pipeline as pipeline_world
from tests.builders.web import client_as, committed

AT_RISK = "/coordination/at-risk"


def _names(page: str) -> list[str]:
    cells = re.findall(r"<tr>\s*<td><a href=\"[^\"]+\">(.*?)</a></td>", page, re.S)
    return sorted(cell for cell in cells if not cell.isdigit())


@pytest.fixture
def world(app, schemes):
    """The pipeline's small association (three trainees at risk: Lena Late, Quinn Quiet, Wren
    Waiting) and more cohorts than a drop-down lists."""
    today = datetime.now(ZoneInfo("Europe/London")).date()
    with committed(app):
        built = pipeline_world.build(today)
        built.coordinator.email = "cora@example.org"
        built.supervisor.email = "sam@example.org"
        boss = built.coordinator
        named = {}
        for number in range(DROP_DOWN_MOST + 1):
            cohorts.create_cohort(boss, f"Filler {number:02d}", CohortKind.COURSE, "")
        for name, members in [
            ("Leeds 2026", [built.late]),
            ("Leeds 2026 spring", [built.quiet]),
            ("ΩΜΈΓΑ", [built.waiting]),
            ("100% online", [built.quiet]),
        ]:
            cohort = cohorts.create_cohort(boss, name, CohortKind.REGION, "")
            cohorts.add_members(boss, cohort, " ".join(m.trainee.email for m in members))
            named[name] = cohort.id
        db.session.flush()
        return named


def test_many_cohorts_are_typed_not_listed(app, world):
    page = client_as(app, "cora@example.org").get(AT_RISK).get_data(as_text=True)
    assert '<select id="cohort"' not in page and "Filler 00</option>" not in page
    assert 'type="search" id="cohort_name" name="cohort_name"' in page
    assert 'list="cohort_name-names"' in page and 'data-suggest="/cohorts/names"' in page
    assert _names(page) == ["Lena Late", "Quinn Quiet", "Wren Waiting"]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Leeds 2026", ["Lena Late"]),  # exactly one cohort's name: that cohort only
        ("  leeds   2026 ", ["Lena Late"]),  # spaces and case as typed
        ("LEEDS 2026 SPRING", ["Quinn Quiet"]),
        ("ωμέγα", ["Wren Waiting"]),  # folded in Greek on both databases
        ("eeds", ["Lena Late", "Quinn Quiet"]),  # part of two names: both cohorts
        ("100%", ["Quinn Quiet"]),  # "%" is only itself
        ("_", []),  # so is "_"
    ],
)
def test_a_typed_name_filters_the_list_and_its_csv(app, world, typed, shown):
    client = client_as(app, "cora@example.org")
    page = client.get(AT_RISK, query_string={"cohort_name": typed})
    assert page.status_code == 200
    assert _names(page.get_data(as_text=True)) == shown
    exported = client.get(f"{AT_RISK}/export.csv", query_string={"cohort_name": typed})
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(row[0] for row in rows[1:]) == shown


def test_what_a_typed_name_matched_is_said_beside_the_field(app, world):
    client = client_as(app, "cora@example.org")
    several = client.get(AT_RISK, query_string={"cohort_name": "leeds"}).get_data(as_text=True)
    assert "2 cohorts' names contain “leeds”: the list shows all their trainees." in several
    assert 'aria-describedby="cohort_name-hint"' in several
    assert 'value="leeds"' in several  # the text stays as typed
    none = client.get(AT_RISK, query_string={"cohort_name": "Bradford"})
    body = none.get_data(as_text=True)
    assert none.status_code == 200 and _names(body) == []
    assert '<p class="error" id="cohort_name-error">No cohort\'s name contains “Bradford”.' in body
    assert 'aria-invalid="true"' in body
    one = client.get(AT_RISK, query_string={"cohort_name": "Leeds 2026"}).get_data(as_text=True)
    assert 'id="cohort_name-error"' not in one and 'id="cohort_name-hint"' not in one


def test_an_address_with_the_cohort_id_still_filters_and_shows_its_name(app, world):
    client = client_as(app, "cora@example.org")
    page = client.get(AT_RISK, query_string={"cohort": world["ΩΜΈΓΑ"]}).get_data(as_text=True)
    assert _names(page) == ["Wren Waiting"]
    assert 'name="cohort_name" value="ΩΜΈΓΑ"' in page


def test_hostile_text_is_answered_plainly(app, world):
    client = client_as(app, "cora@example.org")
    huge = client.get(AT_RISK, query_string={"cohort_name": "Leeds 2026" + "x" * 20_000})
    assert huge.status_code == 200 and _names(huge.get_data(as_text=True)) == []
    assert client.get(AT_RISK, query_string={"cohort_name": "Leeds\x00"}).status_code == 400
    assert client.get("/cohorts/names", query_string={"q": "a\x00"}).status_code == 400
    markup = client.get(AT_RISK, query_string={"cohort_name": '"><b>x</b>'}).get_data(as_text=True)
    assert "<b>x</b>" not in markup
    assert "No cohort's name contains “&#34;&gt;&lt;b&gt;x&lt;/b&gt;”." in markup


def test_names_are_suggested_as_one_types(app, world):
    client = client_as(app, "cora@example.org")
    found = client.get("/cohorts/names", query_string={"q": "LEEDS"})
    assert found.status_code == 200 and found.mimetype == "application/json"
    assert found.get_json() == {"names": ["Leeds 2026", "Leeds 2026 spring"]}
    # Names that begin with the text come before those that only contain it.
    assert client.get("/cohorts/names?q=l").get_json()["names"][:4] == [
        "Leeds 2026",
        "Leeds 2026 spring",
        "100% online",
        "Filler 00",
    ]
    assert client.get("/cohorts/names?q=ωμ").get_json() == {"names": ["ΩΜΈΓΑ"]}
    assert len(client.get("/cohorts/names?q=").get_json()["names"]) == MOST_SUGGESTED
    assert client.get("/cohorts/names?q=%25").get_json() == {"names": ["100% online"]}


def test_only_coordinators_are_suggested_cohorts(app, world):
    assert client_as(app, "sam@example.org").get("/cohorts/names?q=l").status_code == 403
    assert app.test_client().get("/cohorts/names?q=l").status_code == 302
