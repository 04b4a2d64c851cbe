"""The dashboard's lists: what each shows, how it is searched, filtered and sorted. The page, its
pagination and its CSV download all read the same definition, so the file is what is shown."""

from typing import Any

from sqlalchemy import Select, SQLColumnExpression, func, literal_column, select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.lists.at_risk import (
    RISK_NAMES,
    risk_base,
    risk_columns,
    risk_count_base,
    risk_rows,
)
from app.lists.cohort_filter import cohort_choice, cohort_chosen, narrow_to_cohort
from app.lists.csv_export import Column
from app.lists.rows import enrolment_row_link, scheme_cell
from app.lists.worklist import Choice, ListArgs, WorkList, days_since, id_arg, local_day
from app.models import (
    Certificate,
    Enrolment,
    MeetingStatus,
    Scheme,
    StageMeeting,
    User,
)
from app.models.scheme import scheme_label
from app.services.coordination import pipeline, supervisor_load
from app.services.coordination.risk import RiskReason
from app.web.labels import GRADE_NAMES

_ENROLLED_SCHEMES = (  # built once: most lists offer it
    select(Scheme.id, Scheme.title, Scheme.version, Scheme.revision)
    .where(select(Enrolment.id).where(Enrolment.scheme_id == Scheme.id).exists())
    .order_by(Scheme.title, Scheme.version, Scheme.revision)
)


def scheme_choice() -> Choice:
    """A drop-down of the scheme revisions someone is enrolled on."""
    schemes = db.session.execute(_ENROLLED_SCHEMES)
    return Choice(
        "scheme",
        _l("Scheme"),
        [(str(s.id), scheme_label(s.title, s.version, s.revision)) for s in schemes],
    )


def _narrows_enrolments(args: ListArgs) -> bool:
    """Whether `_narrow_enrolments` filters anything (a count must then join the enrolments)."""
    return id_arg(args, "scheme") is not None or cohort_chosen(args)


def _narrow_enrolments(query: Select[Any], args: ListArgs) -> Select[Any]:
    scheme_id = id_arg(args, "scheme")
    if scheme_id is not None:
        query = query.where(Enrolment.scheme_id == scheme_id)
    return narrow_to_cohort(query, args)


def _meeting_link(row: Any) -> tuple[str, dict[str, int]]:
    return "signoff.show", {"meeting_id": row.meeting_id}


_TRAINEE = (func.lower(User.display_name),)
_SCHEME = (func.lower(Scheme.title), Scheme.version, Scheme.revision)


def _meeting_list(
    key: str,
    title: Any,
    intro: Any,
    status: MeetingStatus,
    since: Any,
    when: Any,
) -> WorkList:
    """A list of stage meetings in `status`, oldest first by `when` (a StageMeeting time);
    counted from the meetings alone unless a filter reads their enrolments."""

    def columns(args: ListArgs) -> tuple[Column[Any], ...]:
        return (
            Column(_l("Trainee"), "trainee", lambda r: r.trainee),
            Column(_l("Scheme"), "scheme", scheme_cell),
            Column(_l("Stage"), None, lambda r: r.stage_number),
            Column(since, "since", lambda r: local_day(getattr(r, when.key))),
            Column(
                _l("Days waiting"), None, lambda r: days_since(getattr(r, when.key), args.today)
            ),
        )

    return WorkList(
        key=key,
        title=title,
        intro=intro,
        columns=columns,
        sorts={"trainee": _TRAINEE, "scheme": _SCHEME, "since": (when,)},
        default_sort="since",
        base=lambda _a: pipeline.meetings_in(status),
        count_base=lambda args: pipeline.meeting_ids(status, _narrows_enrolments(args)),
        link=_meeting_link,
        choices=lambda args: (scheme_choice(), cohort_choice(args)),
        narrow=_narrow_enrolments,
        tuple_rows=True,
        tiebreak=StageMeeting.id,
    )


def _load_columns(args: ListArgs) -> tuple[Column[Any], ...]:
    return (
        Column(_l("Supervisor"), "name", lambda r: r.name),
        Column(_l("Grade"), None, lambda r: GRADE_NAMES[r.grade.value] if r.grade else ""),
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
        "pending": (User.sessions_to_confirm,),
        "meetings": (literal_column("meetings_to_assess"),),
    }


LISTS: dict[str, WorkList] = {
    wl.key: wl
    for wl in (
        _meeting_list(
            "meetings-to-assign",
            _l("Meetings without an assessor"),
            _l("Stage meetings requested by trainees, waiting for you to name an assessor."),
            MeetingStatus.REQUESTED,
            _l("Requested"),
            StageMeeting.requested_at,
        ),
        _meeting_list(
            "passes-to-ratify",
            _l("Passes to ratify"),
            _l("Stage meetings an assessor passed, waiting for your ratification."),
            MeetingStatus.PASSED,
            _l("Passed"),
            StageMeeting.outcome_at,
        ),
        WorkList(
            key="certificates-to-issue",
            title=_l("Certificates to issue"),
            intro=_l("Accredited practitioners without a current certificate."),
            columns=lambda _a: (
                Column(_l("Practitioner"), "trainee", lambda r: r.trainee),
                Column(_l("Scheme"), "scheme", scheme_cell),
                Column(_l("Started"), "started", lambda r: local_day(r.started_on)),
            ),
            sorts={"trainee": _TRAINEE, "scheme": _SCHEME, "started": (Enrolment.started_on,)},
            default_sort="trainee",
            base=lambda _a: pipeline.certificates_to_issue(),
            count_base=lambda _a: pipeline.certificates_to_issue_ids(),
            link=enrolment_row_link,
            tuple_rows=True,
            choices=lambda args: (scheme_choice(), cohort_choice(args)),
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
                Column(_l("Holder"), "trainee", lambda r: r.trainee),
                Column(_l("Certificate"), None, lambda r: r.number),
                Column(_l("Scheme"), "scheme", scheme_cell),
                Column(_l("Expires"), "expires", lambda r: local_day(r.expires_on)),
                Column(
                    _l("Days left"),
                    None,
                    lambda r: (r.expires_on - args.today).days if r.expires_on else "",
                ),
            ),
            sorts={"trainee": _TRAINEE, "scheme": _SCHEME, "expires": (Certificate.expires_on,)},
            default_sort="expires",
            base=lambda args: pipeline.renewals_due(args.today),
            link=enrolment_row_link,
            tuple_rows=True,
            choices=lambda args: (scheme_choice(), cohort_choice(args)),
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
            columns=risk_columns,
            sorts={
                "trainee": _TRAINEE,
                "scheme": _SCHEME,
                "stage_end": (Enrolment.stage_expected_end,),
                "finish": (Enrolment.expected_finish,),
            },
            default_sort="finish",
            base=risk_base,
            count_base=risk_count_base,
            link=enrolment_row_link,
            rows=risk_rows,
            choices=lambda args: (
                Choice("reason", _l("Why"), [(r.value, RISK_NAMES[r]) for r in RiskReason]),
                scheme_choice(),
                cohort_choice(args),
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
            count_base=lambda _a: supervisor_load.supervisors(),
            link=lambda row: ("people.show", {"user_id": row.supervisor_id}),
            search_label=_l("Supervisor"),
            tuple_rows=True,
            tiebreak=User.id,
        ),
    )
}
