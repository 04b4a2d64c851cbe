"""The people list (its page and its CSV) from columns only: byte for byte what the people as
objects would have written, for every search, filter and sort, in one statement however many
people there are."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.lists.csv_export import Column, csv_chunks
from app.lists.queries import PEOPLE_SORTS, AccountState, SortOrder, people_list_rows
from app.lists.worklist import local_day
from app.models import Role, User
from app.people import listing
from app.services.people.directory import matching_people
from app.web.labels import ROLE_NAMES
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


def _account(user: User) -> str:
    if not user.active:
        return "deactivated"
    return "active" if user.has_password else "invited"


# What each column reads of a person as an object: the oracle the rows are held to.
OBJECT_COLUMNS = (
    Column("Name", "name", lambda u: u.display_name),
    Column("E-mail", "email", lambda u: u.email),
    Column("Roles", None, lambda u: ", ".join(str(ROLE_NAMES[r.value]) for r in sorted(u.roles))),
    Column("Account", None, _account),
    Column("Since", "created", lambda u: local_day(u.created_at)),
)


def _objects(search, role, account, order):
    """The same people as objects, filtered and ordered as the list was when it read them."""
    query = matching_people(select(User).options(selectinload(User.role_links)), search, role)
    if account is not None:
        query = query.where(User.active.is_(account is AccountState.ACTIVE))
    chosen = [*PEOPLE_SORTS[order.key], User.id]
    return db.session.scalars(
        query.order_by(*(c.desc() if order.descending else c for c in chosen))
    ).all()


def _both(app, search, role, account, order):
    with app.test_request_context():
        rows = db.session.execute(people_list_rows(search, role, account, order)).all()
        return (
            "".join(csv_chunks(OBJECT_COLUMNS, _objects(search, role, account, order))),
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


def test_the_page_reads_the_rows_in_one_statement_and_counts_the_ids(app, world):
    """The page lists the same rows as the CSV (roles as badges, account state), from one
    statement of columns, and counts the matching people without their roles."""
    client = client_as(app, world)
    with count_queries(app) as statements:
        response = client.get("/people?sort=-email")
        page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "=HYPERLINK(1) Zoë" in page and "İstanbul Trainee" in page
    assert page.count('class="badge badge-coordinator"') == 2  # Ada and Ωμέγα
    assert page.count('class="badge badge-supervisor"') == 2
    assert ">invited<" in page and ">deactivated<" in page
    listed = [s for s in statements if "user_roles.user_id = users.id" in s]
    assert len(listed) == 1 and "count(" not in listed[0]
    assert not any("FROM user_roles WHERE user_roles.user_id IN" in s for s in statements)
    counts = [s for s in statements if "count(*)" in s and "FROM users" in s]
    assert len(counts) == 1 and "user_roles" not in counts[0]
