"""The at-risk list's parts: its columns over objects (the page) and over rows (the CSV), its
base query with the flags saying why, and the labels of those reasons; shared with cohorts."""

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from app.i18n import lazy_gettext as _l
from app.lists.csv_export import Column
from app.lists.worklist import ListArgs, local_day
from app.models import Enrolment, EnrolmentStage, SupervisorAssignment
from app.models.scheme import scheme_label
from app.services.coordination import risk
from app.services.coordination.risk import RiskReason
from app.services.people.enrolment_queries import enrolment_rows


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


def risk_columns(args: ListArgs) -> tuple[Column[Any], ...]:
    return (
        Column(_l("Trainee"), "trainee", lambda r: r[0].trainee.display_name),
        Column(_l("Scheme"), "scheme", lambda r: r[0].scheme.label),
        Column(_l("Stage"), None, lambda r: stage_of(r[0])),
        Column(_l("Own supervisor"), None, lambda r: supervisor_of(r[0])),
        Column(
            _l("Stage expected to end"), "stage_end", lambda r: local_day(r[0].stage_expected_end)
        ),
        Column(_l("Expected to finish"), "finish", lambda r: local_day(r[0].expected_finish)),
        Column(_l("Why"), None, risk_reasons),
    )


def risk_reasons(row: Any) -> str:
    return "; ".join(str(RISK_NAMES[r]) for r in risk.reasons_of(row))


def risk_row_columns(args: ListArgs) -> tuple[Column[Any], ...]:
    """`risk_columns` over the rows of `risk_rows` (what the CSV reads)."""
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
        Column(_l("Why"), None, risk_reasons),
    )


def risk_rows(query: Select[Any], args: ListArgs) -> Select[Any]:
    """The at-risk list's query as the listed columns only, with the flags saying why."""
    rows = enrolment_rows(query).add_columns(
        Enrolment.stage_expected_end.label("stage_expected_end"),
        Enrolment.expected_finish.label("expected_finish"),
    )
    return risk.with_risk_flags(rows, risk.risk_tests(args.today, args.thresholds))


def risk_base(args: ListArgs) -> Select[Any]:
    value = args.choices.get("reason", "")
    reason = RiskReason(value) if value in {r.value for r in RiskReason} else None
    return with_stages(risk.at_risk(args.today, args.thresholds, reason))


RISK_NAMES = {
    RiskReason.LATE: _l("past the expected date"),
    RiskReason.NO_SUPERVISION: _l("no confirmed supervision recently"),
    RiskReason.UNCONFIRMED: _l("sessions waiting long for confirmation"),
}
