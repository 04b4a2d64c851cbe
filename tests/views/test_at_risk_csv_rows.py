"""The at-risk CSV from columns only: byte for byte what the list's objects would have written,
for every reason, search and sort, in one statement however many trainees are at risk."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.lists.csv_export import csv_chunks
from app.lists.queries import SortOrder
from app.lists.worklist import ListArgs
from app.lists.workspace import LISTS
from app.services.coordination.risk import RiskReason, Thresholds
from tests.builders import pipeline as pipeline_world
from tests.builders.web import client_as, committed
from tests.query_counter import count_queries

AT_RISK = LISTS["at-risk"]


def _today():
    return datetime.now(ZoneInfo("Europe/London")).date()


@pytest.fixture
def world(app, schemes):
    """The pipeline's association (late, quiet and waiting trainees), a name a spreadsheet
    would run and a non-Latin one."""
    with committed(app):
        built = pipeline_world.build(_today())
        built.coordinator.email = "cora@example.org"
        built.late.trainee.display_name = "=HYPERLINK(1) Lena"
        built.quiet.trainee.display_name = "Ωμέγα Quiet"


def _both(app, args):
    with app.test_request_context():
        query = AT_RISK.query(args)
        objects = db.session.execute(query).all()
        rows = db.session.execute(AT_RISK.csv_rows(query, args)).all()
        return (
            "".join(csv_chunks(AT_RISK.columns(args), objects)),
            "".join(csv_chunks(AT_RISK.csv_columns(args), rows)),
        )


@pytest.mark.parametrize("key", list(AT_RISK.sorts))
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    ("search", "reason", "lines"),
    [
        ("", "", 4),
        ("", RiskReason.LATE.value, 2),
        ("", RiskReason.NO_SUPERVISION.value, 2),
        ("", RiskReason.UNCONFIRMED.value, 2),
        ("quiet", "", 2),
        ("nobody", "", 1),
    ],
)
def test_rows_write_the_same_csv_as_the_objects(app, world, key, descending, search, reason, lines):
    args = ListArgs(search, {"reason": reason}, SortOrder(key, descending), _today(), Thresholds())
    from_objects, from_rows = _both(app, args)
    assert from_rows == from_objects
    assert from_rows.count("\r\n") == lines  # the header line, then each trainee found


def test_the_download_reads_the_rows_in_one_statement(app, world):
    client = client_as(app, "cora@example.org")
    with count_queries(app) as statements:
        response = client.get("/coordination/at-risk/export.csv?sort=-trainee")
        body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "'=HYPERLINK(1) Lena" in body and "Ωμέγα Quiet" in body
    assert "past the expected date" in body
    # One read of the enrolments; no batches of their stages or supervisors.
    assert sum("FROM enrolments" in s for s in statements) == 1
    assert not any("FROM enrolment_stages WHERE" in s and " IN (" in s for s in statements)
