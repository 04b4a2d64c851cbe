"""Sorting the people and enrolment lists, and downloading exactly what they show as CSV."""

import csv
import html
import io
import re
from datetime import date

import pytest

from app.models import Role
from app.services.people import enrolments
from tests.builders.people import current_scheme, make_user, stage_of
from tests.builders.web import committed, sign_in
from tests.query_counter import count_queries

BOM = b"\xef\xbb\xbf"
TRICKY = ['=HYPERLINK("http://evil.example","Click")', "+1 Plus", "-2 Minus", "@x At"]


@pytest.fixture
def world(app, schemes):
    """A coordinator, people with awkward names, and three enrolments."""
    with committed(app):
        coordinator = make_user(Role.COORDINATOR, email="coord@example.org", name="Cora Coord")
        supervisor = make_user(Role.SUPERVISOR, email="sup@example.org", name="Sid Super")
        trainees = [
            make_user(Role.TRAINEE, email=f"t{n}@example.org", name=name)
            for n, name in enumerate(["Zoë Ødegård 山田", "Adam Able", "Mia Middle", *TRICKY])
        ]
        make_user(Role.TRAINEE, email="gone@example.org", name="Gone Person", active=False)
        scheme = current_scheme()
        for trainee, started in zip(
            trainees[:3], (date(2026, 3, 1), date(2026, 1, 5), date(2026, 2, 1)), strict=True
        ):
            enrolments.enrol(
                coordinator, trainee, scheme, started, stage_of(scheme, 1), supervisor, started
            )
    return {"supervisor": supervisor.email}


def _download(client, path):
    response = client.get(path)
    try:
        assert response.status_code == 200, response.status_code
        assert response.is_streamed
        assert response.mimetype == "text/csv"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; filename=") and disposition.endswith('.csv"')
        body = response.get_data()
    finally:
        response.close()
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _table(client, path):
    """The page's header cells and the text of each row's first cell."""
    page = client.get(path).get_data(as_text=True)
    headers = [
        html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span class="sort-mark".*?</span>', "", h)))
        for h in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", page, re.S)
    ]
    firsts = [
        html.unescape(cell)
        for cell in re.findall(r"<tr>\s*<td><a href=\"[^\"]+\">(.*?)</a></td>", page, re.S)
    ]
    return headers, firsts, page


def test_people_csv_has_the_columns_and_rows_of_the_filtered_list(client, world):
    sign_in(client, "coord@example.org")
    headers, names, page = _table(client, "/people?role=trainee&account=active")
    assert 'href="/people/export.csv?role=trainee&amp;account=active"' in page
    rows = _download(client, "/people/export.csv?role=trainee&account=active")
    assert rows[0] == headers == ["Name", "E-mail", "Roles", "Account", "Since"]
    assert [r[0].removeprefix("'") for r in rows[1:]] == names
    assert "Gone Person" not in names and len(names) == 7
    assert rows[1][2:4] == ["Trainee", "active"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", rows[1][4])


def test_a_search_narrows_the_csv(client, world):
    sign_in(client, "coord@example.org")
    rows = _download(client, "/people/export.csv?q=adam")
    assert [r[0] for r in rows[1:]] == ["Adam Able"]


def test_the_csv_holds_every_page(app, client, world):
    with committed(app):
        for n in range(30):
            make_user(Role.TRAINEE, name=f"Paged {n:02d}")
    sign_in(client, "coord@example.org")
    _, names, page = _table(client, "/people?q=paged")
    assert len(names) == 25 and "Page 1 of 2" in page
    assert len(_download(client, "/people/export.csv?q=paged")) == 31


def test_sorting_changes_the_order_of_the_page_and_the_csv(client, world):
    sign_in(client, "coord@example.org")
    _, by_name, page = _table(client, "/people?q=a")
    assert by_name == sorted(by_name, key=str.lower)
    assert 'aria-sort="ascending"' in page and 'href="/people?q=a&amp;sort=-name"' in page
    _, reversed_names, page = _table(client, "/people?q=a&sort=-name")
    assert reversed_names == by_name[::-1]
    assert 'aria-sort="descending"' in page
    assert 'href="/people/export.csv?q=a&amp;sort=-name"' in page
    rows = _download(client, "/people/export.csv?q=a&sort=-name")
    assert [r[0].removeprefix("'") for r in rows[1:]] == reversed_names
    by_email = [r[1] for r in _download(client, "/people/export.csv?sort=email")[1:]]
    assert by_email == sorted(by_email)
    # An unknown column falls back to the default order rather than failing.
    _, fallback, _ = _table(client, "/people?q=a&sort=password_hash")
    assert fallback == by_name


def test_pagination_and_the_search_form_keep_the_sort(app, client, world):
    with committed(app):
        for n in range(30):
            make_user(Role.TRAINEE, name=f"Paged {n:02d}")
    sign_in(client, "coord@example.org")
    _, names, page = _table(client, "/people?q=paged&sort=-name")
    assert names[0] == "Paged 29"
    assert "/people?q=paged&amp;sort=-name&amp;page=2" in page
    assert '<input type="hidden" name="sort" value="-name">' in page
    _, second, _ = _table(client, "/people?q=paged&sort=-name&page=2")
    assert second[-1] == "Paged 00"


def test_cells_that_would_run_as_formulas_are_neutralised(client, world):
    sign_in(client, "coord@example.org")
    names = {r[0] for r in _download(client, "/people/export.csv")[1:]}
    for tricky in TRICKY:
        assert "'" + tricky in names
        assert tricky not in names


def test_non_ascii_names_survive(client, world):
    sign_in(client, "coord@example.org")
    rows = _download(client, "/people/export.csv?q=zo")
    assert rows[1][0] == "Zoë Ødegård 山田"


def test_the_enrolment_csv_matches_the_searched_and_sorted_list(client, world):
    sign_in(client, "coord@example.org")
    headers, trainees, page = _table(client, "/enrolments?sort=-started")
    assert trainees == ["Zoë Ødegård 山田", "Mia Middle", "Adam Able"]
    assert 'href="/enrolments/export.csv?sort=-started"' in page
    rows = _download(client, "/enrolments/export.csv?sort=-started")
    assert rows[0] == headers
    assert headers == ["Trainee", "Scheme", "Stage", "Own supervisor", "Started", "Status"]
    assert [r[0] for r in rows[1:]] == trainees
    assert rows[1][2:] == ["1", "Sid Super", "2026-03-01", "Active"]
    assert [r[0] for r in _download(client, "/enrolments/export.csv?q=mia")[1:]] == ["Mia Middle"]
    _, by_trainee, _ = _table(client, "/enrolments?sort=trainee")
    assert by_trainee == ["Adam Able", "Mia Middle", "Zoë Ødegård 山田"]


def test_the_download_is_audited(app, client, world):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEvent

    sign_in(client, "coord@example.org")
    _download(client, "/people/export.csv?q=adam")
    with app.app_context():
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "people.exported")
        ).all()
        assert event.after == {"q": "adam"}


@pytest.mark.parametrize("path", ["/people/export.csv", "/enrolments/export.csv"])
@pytest.mark.parametrize(
    ("who", "expected"), [(None, 302), ("t1@example.org", 403), ("sup@example.org", 403)]
)
def test_only_coordinators_download(client, world, path, who, expected):
    if who:
        sign_in(client, who)
    response = client.get(path)
    assert response.status_code == expected
    response.close()


def test_a_trainee_sees_no_download_link(client, world):
    sign_in(client, "t1@example.org")
    assert "export.csv" not in client.get("/").get_data(as_text=True)


def test_the_csv_takes_the_same_number_of_queries_for_few_and_many_rows(app, client, world):
    sign_in(client, "coord@example.org")

    def queries():
        with count_queries(app) as statements:
            _download(client, "/people/export.csv")
        return len(statements)

    few = queries()
    with committed(app):
        for _ in range(60):
            make_user(Role.TRAINEE, Role.SUPERVISOR)
    assert queries() == few
