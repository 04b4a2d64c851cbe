"""The enrolment list from columns only (its page and its CSV): byte for byte what its objects
would write, for every search and sort, in one statement however many enrolments there are."""

from datetime import date

import pytest

from app.authz.scopes import visible_enrolments
from app.enrolments import listing
from app.extensions import db
from app.lists.csv_export import Column, csv_chunks
from app.lists.queries import ENROLMENT_SORTS, SortOrder, enrolment_list_rows
from app.models import Enrolment, Role, User
from app.services.people import enrolments
from app.web.labels import STATUS_NAMES
from tests.builders.enrolment_cells import open_stage_cell, own_supervisor_cell
from tests.builders.people import enrolled_trainee, make_user
from tests.builders.web import client_as, committed
from tests.query_counter import count_queries

TODAY = date(2026, 11, 24)


@pytest.fixture
def world(app, schemes):
    """Enrolments in every shape a row can take: a changed supervisor, a stage closed and the
    next open, a name a spreadsheet would run, non-Latin names; and a coordinator."""
    with committed(app):
        plain = enrolled_trainee()
        moved = enrolled_trainee()
        coordinator = make_user(Role.COORDINATOR)
        enrolments.change_supervisor(
            coordinator,
            moved,
            make_user(Role.SUPERVISOR, name="Ωμέγα Supervisor"),
            date(2026, 5, 1),
            TODAY,
        )
        advanced = enrolled_trainee(stage=1)
        enrolments.advance_stage(coordinator, advanced, date(2026, 6, 1))
        plain.trainee.display_name = "=HYPERLINK(1) Zoë"
        advanced.trainee.display_name = "İstanbul Trainee"
        return coordinator.email


# The same cells read from each enrolment's objects.
FROM_OBJECTS = (
    Column("Trainee", None, lambda e: e.trainee.display_name),
    Column("Scheme", None, lambda e: e.scheme.label),
    Column("Stage", None, open_stage_cell),
    Column("Own supervisor", None, own_supervisor_cell),
    Column("Started", None, lambda e: e.started_on),
    Column("Status", None, lambda e: STATUS_NAMES[e.status.value]),
)


def _both(app, email, search, order):
    with app.test_request_context():
        viewer = db.session.scalars(db.select(User).where(User.email == email)).one()
        rows = db.session.execute(enrolment_list_rows(visible_enrolments(viewer), search, order))
        rows = rows.all()
        objects = [db.session.get(Enrolment, row.enrolment_id) for row in rows]
        return (
            "".join(csv_chunks(FROM_OBJECTS, objects)),
            "".join(csv_chunks(listing.ROW_COLUMNS, rows)),
        )


@pytest.mark.parametrize("key", list(ENROLMENT_SORTS))
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("search", ["", "trainee", "vig", "nobody"])
def test_rows_write_the_same_csv_as_the_objects(app, world, key, descending, search):
    from_objects, from_rows = _both(app, world, search, SortOrder(key, descending))
    assert from_rows == from_objects
    # The header line, then: every enrolment, those of one trainee's name, or none.
    lines = {"": 4, "vig": 4, "trainee": 2, "nobody": 1}[search]
    assert from_rows.count("\r\n") == lines


def test_the_download_reads_the_rows_in_one_statement(app, world):
    client = client_as(app, world)
    with count_queries(app) as statements:
        response = client.get("/enrolments/export.csv?sort=-scheme")
        body = response.get_data(as_text=True)
    assert response.status_code == 200 and "'=HYPERLINK(1) Zoë" in body
    assert "Ωμέγα Supervisor" in body and "İstanbul Trainee" in body
    reads = [s for s in statements if "FROM enrolments" in s or "FROM users" in s]
    # The signed-in user's own reads aside, the rows come from one SELECT over enrolments.
    assert sum("FROM enrolments" in s for s in reads) == 1


@pytest.mark.parametrize("search", ["", "  ", "zoë", "İstanbul", "nobody"])
@pytest.mark.parametrize("who", ["coordinator", "supervisor"])
def test_the_count_without_people_counts_the_rows_listed(app, world, search, who):
    """The list's total is counted without joining people and schemes unless someone searches:
    the same number as the rows listed, for a coordinator (every enrolment) and a supervisor
    (their supervisees')."""
    with app.test_request_context():
        if who == "coordinator":
            viewer = db.session.scalars(db.select(User).where(User.email == world)).one()
        else:
            viewer = db.session.scalars(
                db.select(User).where(User.display_name == "Ωμέγα Supervisor")
            ).one()
        filters = listing.EnrolmentFilters(search, SortOrder("trainee", False))
        listed = len(db.session.execute(filters.rows(viewer)).all())
        counted = filters.counted(viewer)
        if search.strip():
            assert counted is None  # searching: the rows themselves are counted
        else:
            assert counted is not None and "JOIN" not in str(counted.compile())
            total = db.session.scalar(
                db.select(db.func.count()).select_from(counted.order_by(None).subquery())
            )
            assert total == listed
        if not search.strip() or (who, search) == ("coordinator", "zoë"):
            assert listed > 0  # not a count of nothing
