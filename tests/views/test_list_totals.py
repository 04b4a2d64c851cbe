"""Each pipeline list counts its rows by a cheaper statement than the one that shows them (the
meetings alone, the enrolments without their people): the total a page states is the number of
rows its CSV holds, whatever the filters, and the filters that read enrolments still apply."""

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.lists.workspace import LISTS
from app.models import CohortKind, Role, Scheme
from app.services.coordination import cohorts
from tests.builders import pipeline as pipeline_world
from tests.builders.people import make_user
from tests.builders.web import client_as, committed


@pytest.fixture
def world(app, schemes):
    today = datetime.now(ZoneInfo("Europe/London")).date()
    with committed(app):
        built = pipeline_world.build(today)
        built.coordinator.email = "cora@example.org"
        cohort = cohorts.create_cohort(built.coordinator, "Counted", CohortKind.COURSE, "")
        members = (built.late, built.fine, built.revoked)
        cohorts.add_members(built.coordinator, cohort, " ".join(e.trainee.email for e in members))
        make_user(Role.SUPERVISOR, active=False)  # not on the supervisors' list, nor counted
        db.session.flush()
        return {
            "cohort": cohort.id,
            "scheme": built.late.scheme_id,
            "other_scheme": db.session.query(Scheme.id)
            .filter(Scheme.id != built.late.scheme_id)
            .first()[0],
        }


def _total(page: str) -> int:
    found = re.search(r"(\d+) rows?, as filtered and sorted above", page)
    return int(found.group(1)) if found else 0


def _csv_rows(client, path: str, query: dict) -> int:
    text = client.get(f"{path}/export.csv", query_string=query).get_data(as_text=True)
    return len(list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))) - 1


@pytest.mark.parametrize("key", sorted(LISTS))
def test_a_lists_stated_total_is_its_csvs_rows_under_every_filter(app, world, key):
    client = client_as(app, "cora@example.org")
    path = f"/coordination/{key}"
    asked = [
        {},
        {"scheme": world["scheme"]},
        {"scheme": world["other_scheme"]},
        {"cohort": world["cohort"]},
        {"cohort_name": "count"},
        {"cohort": world["cohort"], "scheme": world["scheme"]},
        {"q": "a"},
        {"scheme": "x", "cohort": "99999999999"},  # nothing any option holds: no filter
    ]
    totals = []
    for query in asked:
        page = client.get(path, query_string=query).get_data(as_text=True)
        assert _total(page) == _csv_rows(client, path, query), (key, query)
        totals.append(_total(page))
    assert totals[-1] == totals[0]
    if key != "supervisors":  # the supervisors' list has neither filter
        assert totals[0] > 0, key
        assert min(totals[1:6]) < totals[0], (key, totals)  # a filter took rows away
