"""The pipeline dashboard's statements, each read by PostgreSQL's planner (EXPLAIN): none reads
the whole of a table that grows with the evidence (sessions, films, moments, the audit log ...);
each such read is a range of an index. On a test database the planner would scan small tables
whatever their indexes, so sequential scans are discouraged (enable_seqscan off): a statement
that still scans one has no index it can use."""

import pytest
from sqlalchemy import event, text

from app.extensions import db
from tests.builders import pipeline as pipeline_world
from tests.builders.web import client_as, committed
from tests.views.test_coordination_pages import _today

# Tables with many rows per enrolment; enrolment-level tables (enrolments, their stages,
# people, certificates) may be read whole for the counts by scheme and stage.
GROWING = {
    "supervision_sessions",
    "session_cycles",
    "session_films",
    "session_moments",
    "cases",
    "consents",
    "cycles",
    "films",
    "moments",
    "moment_replies",
    "reflections",
    "milestones",
    "ratings",
    "audit_events",
    "notifications",
}
SCANS = {"Seq Scan", "Index Scan", "Index Only Scan"}


def _whole_reads(node: dict, limited: bool = False) -> list[str]:
    """Scans of growing tables without an index condition (a Limit above one reads a few rows
    of an index in order: the newest audit entry)."""
    limited = limited or node["Node Type"] == "Limit"
    found = []
    if (
        node["Node Type"] in SCANS
        and node.get("Relation Name") in GROWING
        and "Index Cond" not in node
        and not (limited and node["Node Type"] != "Seq Scan")
    ):
        found.append(f"{node['Node Type']} on {node['Relation Name']}")
    for child in node.get("Plans", []):
        found.extend(_whole_reads(child, limited))
    return found


def _statements_sent(app, client, path: str) -> list[tuple[str, object]]:
    """Each statement (and its parameters) that a request of `path` sent to the database."""
    with app.app_context():
        engine = db.engine
    sent: list[tuple[str, object]] = []

    def collect(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", collect)
    try:
        response = client.get(path)
        response.get_data()
        assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", collect)
    return sent


@pytest.fixture
def world(app, schemes):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the plans checked are PostgreSQL's")
    with committed(app):
        built = pipeline_world.build(_today())
        built.coordinator.email = "cora@example.org"


def test_no_dashboard_statement_reads_a_growing_table_whole(app, world):
    client = client_as(app, "cora@example.org")
    client.get("/coordination")
    app.extensions.pop("pipeline_dashboards", None)  # gathered, not kept
    sent = _statements_sent(app, client, "/coordination")
    selects = [(s, p) for s, p in sent if s.lstrip().upper().startswith("SELECT")]
    assert any("last_supervised_on" in s for s, _p in selects), "the at-risk tests were read"
    problems = {}
    for statement, parameters in selects:
        whole = _whole_reads(_plan_nodes(app, statement, parameters)[0])
        if whole:
            problems[" ".join(statement.split())[:160]] = whole
    assert problems == {}


def test_the_check_catches_a_whole_read(app, world):
    """The same check on a statement that must read every session: it is caught."""
    with app.app_context():
        connection = db.session.connection()
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = connection.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) SELECT count(*) FROM supervision_sessions "
            "WHERE supervisor_feedback = 'clips'"
        )
        assert _whole_reads(plan.scalar()[0]["Plan"])
        db.session.rollback()


def _nodes(node: dict) -> list[dict]:
    return [node, *(found for child in node.get("Plans", []) for found in _nodes(child))]


def _plan_nodes(
    app, statement: str, parameters: object, without: tuple[str, ...] = ()
) -> list[dict]:
    """Every node of PostgreSQL's plan for the statement, sequential scans discouraged and the
    indexes named `without` dropped for the while (the transaction is rolled back)."""
    with app.app_context():
        connection = db.session.connection()
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        for index in without:
            connection.exec_driver_sql(f"DROP INDEX {index}")
        plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters)
        nodes = _nodes(plan.scalar()[0]["Plan"])
        db.session.rollback()
    return nodes


@pytest.mark.parametrize(
    ("key", "index"),
    [
        ("meetings-to-assign", "ix_stage_meetings_status_requested"),
        ("passes-to-ratify", "ix_stage_meetings_status_outcome"),
    ],
)
def test_a_page_of_meetings_is_read_in_order_from_an_index(app, world, key, index):
    """A page of a meeting list is the start of a range of its index: no sort of every meeting
    in that status (at 50,000 enrolments, 67,000 meetings scanned and sorted per page)."""
    sent = _statements_sent(app, client_as(app, "cora@example.org"), f"/coordination/{key}")
    rows = [(s, p) for s, p in sent if s.lstrip().startswith("SELECT stage_meetings.id AS")]
    assert len(rows) == 1
    nodes = _plan_nodes(app, *rows[0])
    assert [n.get("Index Name") for n in nodes if n.get("Relation Name") == "stage_meetings"] == [
        index
    ]
    assert not [n for n in nodes if n["Node Type"] in {"Sort", "Incremental Sort"}]


@pytest.mark.parametrize("sort", ["-pending", "-meetings"])
def test_the_supervisors_list_counts_no_session_and_meetings_from_an_index(app, world, sort):
    """The supervisors' list reads each supervisor's sessions to confirm as kept on the person,
    not by counting the association's waiting sessions (at 50,000 enrolments ~26,000), and
    counts the meetings each one is named to assess from an index of assessor and status
    (without it, sorted by that count, ~84 ms).

    On this world's five meetings the planner costs a read of the meetings in that status
    (filtered by assessor) the same as the assessor's range, and chose either from run to run;
    at the association's scale the range is far cheaper. So the indexes of meetings by status are
    set aside, and the plan must still count from an index whose condition holds both the
    assessor and the status: the statement can use it, and no other index serves it."""
    client = client_as(app, "cora@example.org")
    sent = _statements_sent(app, client, f"/coordination/supervisors?sort={sort}")
    listed = [
        (s, p)
        for s, p in sent
        if s.lstrip().startswith(("SELECT users.id AS supervisor_id", "SELECT count(*)"))
        and "user_roles" in s
    ]
    assert len(listed) == 2  # the page and its count
    assert not [s for s, _p in listed if "supervision_sessions" in s]
    by_status = (
        "ix_stage_meetings_status",
        "ix_stage_meetings_status_requested",
        "ix_stage_meetings_status_outcome",
    )
    nodes = _plan_nodes(app, *listed[0], without=by_status)
    meetings = [n for n in nodes if n.get("Relation Name") == "stage_meetings"]
    assert [n.get("Index Name") for n in meetings] == ["ix_stage_meetings_assessor_status"]
    condition = meetings[0]["Index Cond"]
    assert "assessor_id = users.id" in condition and "status" in condition


def test_certificates_to_issue_are_counted_from_the_enrolments_status_index(app, world):
    """The accredited enrolments without a current certificate are counted from an index of
    status beside the index of current certificates, not a read of every enrolment."""
    client = client_as(app, "cora@example.org")
    sent = _statements_sent(app, client, "/coordination/certificates-to-issue")
    counts = [(s, p) for s, p in sent if s.lstrip().startswith("SELECT count(*)")]
    counts = [(s, p) for s, p in counts if "certificates" in s]
    assert len(counts) == 1
    nodes = _plan_nodes(app, *counts[0])
    indexes = {n["Index Name"] for n in nodes if "Index Name" in n}
    assert indexes == {"ix_enrolments_status", "ux_certificates_one_current"}
    assert not [n for n in nodes if n["Node Type"] == "Seq Scan"]
