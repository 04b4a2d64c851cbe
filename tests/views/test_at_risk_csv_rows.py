"""The at-risk list from columns only (its page, preview and CSV): byte for byte what its objects
would write, for every reason, search and sort, in one statement however many are at risk."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.lists.at_risk import risk_reasons
from app.lists.csv_export import Column, csv_chunks
from app.lists.queries import SortOrder
from app.lists.worklist import ListArgs, local_day
from app.lists.workspace import LISTS
from app.models import Cohort, CohortMember, User
from app.services.coordination.risk import RiskReason, Thresholds
from tests.builders import pipeline as pipeline_world
from tests.builders.enrolment_cells import open_stage_cell, own_supervisor_cell
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


# The same cells read from the list's objects (its query's enrolments, with their risk flags).
FROM_OBJECTS = (
    Column("Trainee", None, lambda r: r[0].trainee.display_name),
    Column("Scheme", None, lambda r: r[0].scheme.label),
    Column("Stage", None, lambda r: open_stage_cell(r[0])),
    Column("Own supervisor", None, lambda r: own_supervisor_cell(r[0])),
    Column("Stage expected to end", None, lambda r: local_day(r[0].stage_expected_end)),
    Column("Expected to finish", None, lambda r: local_day(r[0].expected_finish)),
    Column("Why", None, risk_reasons),
)


def _both(app, args):
    with app.test_request_context():
        objects = db.session.execute(AT_RISK.query(args)).all()
        shown, tuple_rows = AT_RISK.shown(args)
        assert tuple_rows
        rows = db.session.execute(shown).all()
        return (
            "".join(csv_chunks(FROM_OBJECTS, objects)),
            "".join(csv_chunks(AT_RISK.columns(args), rows)),
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


@pytest.mark.parametrize(
    ("search", "reason", "cohort"),
    [
        ("", "", ""),
        ("", RiskReason.LATE.value, ""),
        ("", RiskReason.NO_SUPERVISION.value, ""),
        ("", RiskReason.UNCONFIRMED.value, ""),
        ("", "", "cohort"),
        ("quiet", "", ""),
        ("nobody", RiskReason.LATE.value, ""),
    ],
)
def test_the_count_without_people_counts_the_rows_listed(app, world, search, reason, cohort):
    """The page's total is counted without joining people and schemes unless someone searches:
    the same number as the rows listed, for every reason, cohort and search."""
    with app.test_request_context():
        cohort_id = ""
        if cohort:  # a cohort holding the late trainee only
            late = db.session.scalar(
                select(User.id).where(User.display_name == "=HYPERLINK(1) Lena")
            )
            group = Cohort(name="Only Lena", name_key="only lena")
            db.session.add(group)
            db.session.flush()
            db.session.add(CohortMember(cohort_id=group.id, user_id=late))
            db.session.flush()
            cohort_id = str(group.id)
        args = ListArgs(
            search,
            {"reason": reason, "cohort": cohort_id},
            SortOrder("finish", False),
            _today(),
            Thresholds(),
        )
        query = AT_RISK.query(args)
        counted = AT_RISK.counted(args, query)
        listed = len(db.session.execute(query).all())
        assert db.session.scalar(select(func.count()).select_from(counted.subquery())) == listed
        assert (counted is query) == bool(search)
        if not search:  # no people, no schemes joined
            assert "JOIN" not in str(counted.compile())
        db.session.rollback()
