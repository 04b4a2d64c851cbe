"""The at-risk list's parts: its base query, its rows (the listed columns with the flags saying
why) and their columns, and the labels of those reasons; shared with cohorts."""

from typing import Any

from sqlalchemy import Select

from app.i18n import lazy_gettext as _l
from app.lists.csv_export import Column
from app.lists.rows import scheme_cell
from app.lists.worklist import ListArgs, local_day
from app.models import Enrolment
from app.services.coordination import risk
from app.services.coordination.risk import RiskReason
from app.services.people.enrolment_queries import enrolment_rows


def risk_reasons(row: Any) -> str:
    return "; ".join(str(RISK_NAMES[r]) for r in risk.reasons_of(row))


def risk_columns(args: ListArgs) -> tuple[Column[Any], ...]:
    """The at-risk list's columns over the rows of `risk_rows`."""
    return (
        Column(_l("Trainee"), "trainee", lambda r: r.trainee),
        Column(_l("Scheme"), "scheme", scheme_cell),
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


def _reason(args: ListArgs) -> RiskReason | None:
    value = args.choices.get("reason", "")
    return RiskReason(value) if value in {r.value for r in RiskReason} else None


def risk_base(args: ListArgs) -> Select[Any]:
    return risk.at_risk(args.today, args.thresholds, _reason(args))


def risk_count_base(args: ListArgs) -> Select[Any]:
    return risk.at_risk_ids(args.today, args.thresholds, _reason(args))


RISK_NAMES = {
    RiskReason.LATE: _l("past the expected date"),
    RiskReason.NO_SUPERVISION: _l("no confirmed supervision recently"),
    RiskReason.UNCONFIRMED: _l("sessions waiting long for confirmation"),
}
