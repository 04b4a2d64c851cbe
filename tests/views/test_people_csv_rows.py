"""The people CSV from columns only: byte for byte what the list's objects would have written,
for every search, filter and sort, in one statement however many people there are."""

import pytest

from app.extensions import db
from app.lists.csv_export import csv_chunks
from app.lists.queries import PEOPLE_SORTS, AccountState, SortOrder, people_list, people_list_rows
from app.models import Role
from app.people import listing
from tests.builders.people import make_user
from tests.builders.web import client_as, committed
from tests.query_counter import count_queries


@pytest.fixture
def world(app):
    """People in every shape a row can take: several roles, invited (no password), deactivated,
    a name a spreadsheet would run, non-Latin names; the coordinator who downloads."""
    with committed(app):
        coordinator = make_user(Role.COORDINATOR, name="Coordinator Ada")
        make_user(Role.SUPERVISOR, Role.TRAINEE, Role.COORDINATOR, name="Ωμέγα Supervisor")
        make_user(Role.TRAINEE, name="=HYPERLINK(1) Zoë")
        make_user(Role.TRAINEE, name="İstanbul Trainee", password=None)
        make_user(Role.SUPERVISOR, name="Gone Supervisor", active=False)
        return coordinator.email


def _both(app, search, role, account, order):
    with app.test_request_context():
        objects = db.session.scalars(people_list(search, role, account, order)).all()
        rows = db.session.execute(people_list_rows(search, role, account, order)).all()
        return (
            "".join(csv_chunks(listing.COLUMNS, objects)),
            "".join(csv_chunks(listing.ROW_COLUMNS, rows)),
        )


@pytest.mark.parametrize("key", list(PEOPLE_SORTS))
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    ("search", "role", "account", "lines"),
    [
        ("", None, None, 6),
        ("trainee", None, None, 2),
        ("", Role.TRAINEE, None, 4),
        ("", None, AccountState.INACTIVE, 2),
        ("", Role.SUPERVISOR, AccountState.ACTIVE, 2),
        ("nobody", None, None, 1),
    ],
)
def test_rows_write_the_same_csv_as_the_objects(
    app, world, key, descending, search, role, account, lines
):
    from_objects, from_rows = _both(app, search, role, account, SortOrder(key, descending))
    assert from_rows == from_objects
    assert from_rows.count("\r\n") == lines  # the header line, then each person found


def test_the_download_reads_the_rows_in_one_statement(app, world):
    client = client_as(app, world)
    with count_queries(app) as statements:
        response = client.get("/people/export.csv?sort=-email")
        body = response.get_data(as_text=True)
    assert response.status_code == 200 and "'=HYPERLINK(1) Zoë" in body
    assert "Ωμέγα Supervisor" in body and "İstanbul Trainee" in body and "invited" in body
    assert "deactivated" in body
    # The signed-in user's own reads aside, the rows come from one SELECT over users.
    assert sum("user_roles.user_id = users.id" in s for s in statements) == 1
    assert not any("FROM user_roles WHERE user_roles.user_id IN" in s for s in statements)
