"""The cohort list and a cohort's members list, as work lists (search, filters, sort, CSV)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, func, select

from app.i18n import lazy_gettext as _l
from app.lists.at_risk import risk_reasons
from app.lists.csv_export import Column
from app.lists.rows import enrolment_row_link, scheme_cell
from app.lists.worklist import Choice, ListArgs, WorkList, id_arg, local_day
from app.models import (
    Cohort,
    CohortKind,
    CohortMember,
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    Scheme,
    Stage,
    User,
)
from app.services.coordination import pipeline, risk
from app.services.people.enrolment_queries import enrolment_rows
from app.web.labels import STATUS_NAMES

KIND_NAMES = {
    CohortKind.COURSE: _l("Initial-training course"),
    CohortKind.REGION: _l("Region"),
    CohortKind.EMPLOYER: _l("Employer"),
    CohortKind.OTHER: _l("Other"),
}

_MEMBERS = (
    select(func.count(CohortMember.id))
    .where(CohortMember.cohort_id == Cohort.id)
    .correlate(Cohort)
    .scalar_subquery()
    .label("members")
)


def _cohorts(args: ListArgs) -> Select[Any]:
    query = select(Cohort, _MEMBERS)
    if args.search:
        query = query.where(func.lower(Cohort.name).contains(args.search.lower()))
    kind = args.choices.get("kind", "")
    if kind in {k.value for k in CohortKind}:
        query = query.where(Cohort.kind == CohortKind(kind))
    return query


COHORTS = WorkList(
    key="cohorts",
    title=_l("Cohorts"),
    intro=_l("Groups of trainees: an initial-training course, a region, an employer."),
    columns=lambda _a: (
        Column(_l("Cohort"), "name", lambda r: r[0].name),
        Column(_l("Kind"), "kind", lambda r: KIND_NAMES[r[0].kind]),
        Column(_l("Trainees"), "members", lambda r: r.members),
    ),
    sorts={"name": (func.lower(Cohort.name),), "kind": (Cohort.kind,), "members": (_MEMBERS,)},
    default_sort="name",
    base=_cohorts,
    link=lambda r: ("cohorts.show", {"cohort_id": r[0].id}),
    choices=lambda _a: (Choice("kind", _l("Kind"), list(KIND_NAMES.items())),),
    search_label=_l("Name"),
    tuple_rows=True,
    tiebreak=Cohort.id,
    searches_people=False,
)


_STAGE = Stage.number.label("stage_number")


def _members_of(cohort_id: int) -> Any:
    def base(args: ListArgs) -> Select[Any]:
        query = (
            select(Enrolment)
            .join(User, Enrolment.trainee)
            .join(Scheme, Enrolment.scheme)
            .outerjoin(
                EnrolmentStage,
                and_(
                    EnrolmentStage.enrolment_id == Enrolment.id,
                    EnrolmentStage.closed_on.is_(None),
                ),
            )
            .outerjoin(Stage, EnrolmentStage.stage_id == Stage.id)
            .where(Enrolment.trainee_id.in_(pipeline.cohort_trainees(cohort_id)))
        )
        scheme_id = id_arg(args, "scheme")
        if scheme_id is not None:
            query = query.where(Enrolment.scheme_id == scheme_id)
        stage = id_arg(args, "stage")
        if stage is not None:
            query = query.where(Stage.number == stage)
        status = args.choices.get("status", "")
        if status in {s.value for s in EnrolmentStatus}:
            query = query.where(Enrolment.status == EnrolmentStatus(status))
        return query

    return base


def _member_rows(query: Select[Any], args: ListArgs) -> Select[Any]:
    """The members' enrolments as the listed columns only, with the flags saying why one is at
    risk."""
    rows = enrolment_rows(query).add_columns(Enrolment.expected_finish.label("expected_finish"))
    return risk.with_risk_flags(rows, risk.risk_tests(args.today, args.thresholds))


def members_list(cohort_id: int, counts: Sequence[pipeline.SchemeCounts]) -> WorkList:
    """The enrolments of a cohort's trainees, with each one's open stage and risk flags;
    `counts`, the cohort's enrolments by scheme and stage (what its page shows above the list):
    its filters offer those schemes and their stages, none the cohort has nothing in."""
    stage_numbers = sorted({stage.stage_number for scheme in counts for stage in scheme.stages})
    schemes = [(str(scheme.scheme_id), scheme.label) for scheme in counts]
    return WorkList(
        key="members",
        title=_l("Trainees in this cohort"),
        intro="",
        columns=lambda _a: (
            Column(_l("Trainee"), "trainee", lambda r: r.trainee),
            Column(_l("Scheme"), "scheme", scheme_cell),
            Column(_l("Stage"), "stage", lambda r: r.stage_number or "—"),
            Column(_l("Status"), "status", lambda r: STATUS_NAMES[r.status.value]),
            Column(_l("Own supervisor"), None, lambda r: r.supervisor or "—"),
            Column(_l("Expected to finish"), "finish", lambda r: local_day(r.expected_finish)),
            Column(_l("At risk"), None, risk_reasons),
        ),
        sorts={
            "trainee": (func.lower(User.display_name),),
            "scheme": (func.lower(Scheme.title), Scheme.version, Scheme.revision),
            "stage": (Stage.number,),
            "status": (Enrolment.status,),
            "finish": (Enrolment.expected_finish,),
        },
        default_sort="trainee",
        base=_members_of(cohort_id),
        link=enrolment_row_link,
        rows=_member_rows,
        choices=lambda _a: (
            Choice("stage", _l("Stage"), [(str(n), str(n)) for n in stage_numbers]),
            Choice("status", _l("Status"), list(STATUS_NAMES.items())),
            Choice("scheme", _l("Scheme"), schemes),
        ),
    )
