"""The dashboard's lists: what each shows, how it is searched, filtered and sorted. The page, its
pagination and its CSV download all read the same definition, so the file is what is shown."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, SQLColumnExpression, func, literal_column, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.lists.csv_export import Column
from app.lists.worklist import Choice, ListArgs, WorkList, days_since, local_day
from app.models import (
    Certificate,
    Cohort,
    Enrolment,
    EnrolmentStage,
    Scheme,
    StageMeeting,
    SupervisorAssignment,
    User,
)
from app.models.scheme import scheme_label
from app.services.coordination import pipeline, risk, supervisor_load
from app.services.coordination.risk import RiskReason
from app.services.people.enrolment_queries import enrolment_rows
from app.web.labels import GRADE_NAMES
from app.web.request_guard import LARGEST_NUMBER


def scheme_choice() -> Choice:
    """A drop-down of the scheme revisions someone is enrolled on."""
    schemes = db.session.scalars(
        select(Scheme)
        .where(select(Enrolment.id).where(Enrolment.scheme_id == Scheme.id).exists())
        .order_by(Scheme.title, Scheme.version, Scheme.revision)
    )
    return Choice("scheme", _l("Scheme"), [(str(s.id), s.label) for s in schemes])


def _cohort_choice() -> Choice:
    cohorts = db.session.execute(select(Cohort.id, Cohort.name).order_by(Cohort.name)).all()
    return Choice("cohort", _l("Cohort"), [(str(c.id), c.name) for c in cohorts])


def id_arg(args: ListArgs, name: str) -> int | None:
    """A drop-down's id from the query string, or None (no filter) for anything no option
    holds: not ASCII digits ("²" is a digit int() cannot read), or beyond the database's
    integer (an overflow on SQLite, out of range on PostgreSQL)."""
    value = args.choices.get(name, "")
    if not (value.isascii() and value.isdigit()) or int(value) > LARGEST_NUMBER:
        return None
    return int(value)


def _narrow_enrolments(query: Select[Any], args: ListArgs) -> Select[Any]:
    scheme_id = id_arg(args, "scheme")
    if scheme_id is not None:
        query = query.where(Enrolment.scheme_id == scheme_id)
    cohort_id = id_arg(args, "cohort")
    if cohort_id is not None:
        query = query.where(Enrolment.trainee_id.in_(pipeline.cohort_trainees(cohort_id)))
    return query


def enrolment_link(row: Any) -> tuple[str, dict[str, int]]:
    enrolment = row.enrolment if isinstance(row, Certificate) else row
    return "enrolments.show", {"enrolment_id": enrolment.id}


def _meeting_link(meeting: StageMeeting) -> tuple[str, dict[str, int]]:
    return "signoff.show", {"meeting_id": meeting.id}


def _meeting_enrolment(meeting: StageMeeting) -> Enrolment:
    return meeting.enrolment_stage.enrolment


_TRAINEE = (func.lower(User.display_name),)
_SCHEME = (func.lower(Scheme.title), Scheme.version, Scheme.revision)


def _meeting_list(
    key: str, title: Any, intro: Any, query: Callable[[], Select[Any]], since: Any, when: Any
) -> WorkList:
    """A list of stage meetings in one state, oldest first by `when` (a StageMeeting time)."""

    def columns(args: ListArgs) -> tuple[Column[Any], ...]:
        def at(m: StageMeeting) -> datetime | None:
            return getattr(m, when.key)

        return (
            Column(_l("Trainee"), "trainee", lambda m: _meeting_enrolment(m).trainee.display_name),
            Column(_l("Scheme"), "scheme", lambda m: _meeting_enrolment(m).scheme.label),
            Column(_l("Stage"), None, lambda m: m.enrolment_stage.stage.number),
            Column(since, "since", lambda m: local_day(getattr(m, when.key))),
            Column(
                _l("Days waiting"), None, lambda m: days_since(getattr(m, when.key), args.today)
            ),
        )

    return WorkList(
        key=key,
        title=title,
        intro=intro,
        columns=columns,
        sorts={"trainee": _TRAINEE, "scheme": _SCHEME, "since": (when,)},
        default_sort="since",
        base=lambda _a: query(),
        link=_meeting_link,
        choices=lambda: (scheme_choice(), _cohort_choice()),
        narrow=_narrow_enrolments,
        tiebreak=StageMeeting.id,
    )


def stage_of(enrolment: Enrolment) -> str:
    current = enrolment.current_stage
    return str(current.stage.number) if current else "—"


def supervisor_of(enrolment: Enrolment) -> str:
    current = enrolment.current_assignment
    return current.supervisor.display_name if current else "—"


def with_stages(query: Select[Any]) -> Select[Any]:
    return query.options(
        selectinload(Enrolment.stages).selectinload(EnrolmentStage.stage),
        selectinload(Enrolment.assignments).selectinload(SupervisorAssignment.supervisor),
    )


def _risk_columns(args: ListArgs) -> tuple[Column[Any], ...]:
    return (
        Column(_l("Trainee"), "trainee", lambda r: r[0].trainee.display_name),
        Column(_l("Scheme"), "scheme", lambda r: r[0].scheme.label),
        Column(_l("Stage"), None, lambda r: stage_of(r[0])),
        Column(_l("Own supervisor"), None, lambda r: supervisor_of(r[0])),
        Column(
            _l("Stage expected to end"), "stage_end", lambda r: local_day(r[0].stage_expected_end)
        ),
        Column(_l("Expected to finish"), "finish", lambda r: local_day(r[0].expected_finish)),
        Column(_l("Why"), None, _risk_reasons),
    )


def _risk_reasons(row: Any) -> str:
    return "; ".join(str(RISK_NAMES[r]) for r in risk.reasons_of(row))


def _risk_row_columns(args: ListArgs) -> tuple[Column[Any], ...]:
    """`_risk_columns` over the rows of `_risk_rows` (what the CSV reads)."""
    return (
        Column(_l("Trainee"), "trainee", lambda r: r.trainee),
        Column(
            _l("Scheme"),
            "scheme",
            lambda r: scheme_label(r.scheme_title, r.scheme_version, r.scheme_revision),
        ),
        Column(_l("Stage"), None, lambda r: "—" if r.stage_number is None else str(r.stage_number)),
        Column(_l("Own supervisor"), None, lambda r: r.supervisor or "—"),
        Column(_l("Stage expected to end"), "stage_end", lambda r: local_day(r.stage_expected_end)),
        Column(_l("Expected to finish"), "finish", lambda r: local_day(r.expected_finish)),
        Column(_l("Why"), None, _risk_reasons),
    )


def _risk_rows(query: Select[Any], args: ListArgs) -> Select[Any]:
    """The at-risk list's query as the listed columns only, with the flags saying why."""
    rows = enrolment_rows(query).add_columns(
        Enrolment.stage_expected_end.label("stage_expected_end"),
        Enrolment.expected_finish.label("expected_finish"),
    )
    return risk.with_risk_flags(rows, risk.risk_tests(args.today, args.thresholds))


def _risk_base(args: ListArgs) -> Select[Any]:
    value = args.choices.get("reason", "")
    reason = RiskReason(value) if value in {r.value for r in RiskReason} else None
    return with_stages(risk.at_risk(args.today, args.thresholds, reason))


RISK_NAMES = {
    RiskReason.LATE: _l("past the expected date"),
    RiskReason.NO_SUPERVISION: _l("no confirmed supervision recently"),
    RiskReason.UNCONFIRMED: _l("sessions waiting long for confirmation"),
}


def _load_columns(args: ListArgs) -> tuple[Column[Any], ...]:
    return (
        Column(_l("Supervisor"), "name", lambda r: r[0].display_name),
        Column(
            _l("Grade"),
            None,
            lambda r: GRADE_NAMES[r[0].supervisor_grade.value] if r[0].supervisor_grade else "",
        ),
        Column(_l("Supervisees"), "supervisees", lambda r: r.supervisees),
        Column(_l("Sessions to confirm"), "pending", lambda r: r.sessions_to_confirm),
        Column(
            _l("Oldest waiting (days)"), None, lambda r: days_since(r.oldest_waiting, args.today)
        ),
        Column(_l("Meetings to assess"), "meetings", lambda r: r.meetings_to_assess),
    )


def _load_sorts() -> dict[str, tuple[SQLColumnExpression[Any], ...]]:
    return {
        "name": _TRAINEE,
        "supervisees": (literal_column("supervisees"),),
        "pending": (literal_column("sessions_to_confirm"),),
        "meetings": (literal_column("meetings_to_assess"),),
    }


LISTS: dict[str, WorkList] = {
    wl.key: wl
    for wl in (
        _meeting_list(
            "meetings-to-assign",
            _l("Meetings without an assessor"),
            _l("Stage meetings requested by trainees, waiting for you to name an assessor."),
            pipeline.meetings_without_assessor,
            _l("Requested"),
            StageMeeting.requested_at,
        ),
        _meeting_list(
            "passes-to-ratify",
            _l("Passes to ratify"),
            _l("Stage meetings an assessor passed, waiting for your ratification."),
            pipeline.passes_to_ratify,
            _l("Passed"),
            StageMeeting.outcome_at,
        ),
        WorkList(
            key="certificates-to-issue",
            title=_l("Certificates to issue"),
            intro=_l("Accredited practitioners without a current certificate."),
            columns=lambda _a: (
                Column(_l("Practitioner"), "trainee", lambda e: e.trainee.display_name),
                Column(_l("Scheme"), "scheme", lambda e: e.scheme.label),
                Column(_l("Started"), "started", lambda e: local_day(e.started_on)),
            ),
            sorts={"trainee": _TRAINEE, "scheme": _SCHEME, "started": (Enrolment.started_on,)},
            default_sort="trainee",
            base=lambda _a: pipeline.certificates_to_issue(),
            link=enrolment_link,
            choices=lambda: (scheme_choice(), _cohort_choice()),
            narrow=_narrow_enrolments,
            search_label=_l("Practitioner"),
        ),
        WorkList(
            key="renewals-due",
            title=_l("Renewals due"),
            intro=_l(
                "Current certificates from six months before their expiry to three months after."
            ),
            columns=lambda args: (
                Column(_l("Holder"), "trainee", lambda c: c.enrolment.trainee.display_name),
                Column(_l("Certificate"), None, lambda c: c.number),
                Column(_l("Scheme"), "scheme", lambda c: c.enrolment.scheme.label),
                Column(_l("Expires"), "expires", lambda c: local_day(c.expires_on)),
                Column(
                    _l("Days left"),
                    None,
                    lambda c: (c.expires_on - args.today).days if c.expires_on else "",
                ),
            ),
            sorts={"trainee": _TRAINEE, "scheme": _SCHEME, "expires": (Certificate.expires_on,)},
            default_sort="expires",
            base=lambda args: pipeline.renewals_due(args.today),
            link=enrolment_link,
            choices=lambda: (scheme_choice(), _cohort_choice()),
            narrow=_narrow_enrolments,
            search_label=_l("Holder"),
            tiebreak=Certificate.id,
        ),
        WorkList(
            key="at-risk",
            title=_l("Trainees at risk"),
            intro=_l(
                "Active trainees past their expected date (pauses included), without confirmed "
                "supervision in recent weeks, or whose sessions have waited long for "
                "confirmation."
            ),
            columns=_risk_columns,
            sorts={
                "trainee": _TRAINEE,
                "scheme": _SCHEME,
                "stage_end": (Enrolment.stage_expected_end,),
                "finish": (Enrolment.expected_finish,),
            },
            default_sort="finish",
            base=_risk_base,
            link=lambda row: enrolment_link(row[0]),
            tuple_rows=True,
            csv_rows=_risk_rows,
            csv_columns=_risk_row_columns,
            choices=lambda: (
                Choice("reason", _l("Why"), [(r.value, RISK_NAMES[r]) for r in RiskReason]),
                scheme_choice(),
                _cohort_choice(),
            ),
            narrow=_narrow_enrolments,
        ),
        WorkList(
            key="supervisors",
            title=_l("Supervisors' load"),
            intro=_l("Active supervisors with their current supervisees and what waits on them."),
            columns=_load_columns,
            sorts=_load_sorts(),
            default_sort="-pending",
            base=lambda _a: supervisor_load.supervisor_load(),
            link=lambda row: ("people.show", {"user_id": row[0].id}),
            search_label=_l("Supervisor"),
            tuple_rows=True,
            tiebreak=User.id,
        ),
    )
}
