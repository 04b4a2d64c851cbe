"""An enrolment's list cells read from its objects: the oracle the row-reading lists are checked
against (tests/views/test_*_csv_rows.py)."""

from app.models import Enrolment


def open_stage_cell(enrolment: Enrolment) -> str:
    """The open stage's number, or a dash."""
    current = enrolment.current_stage
    return str(current.stage.number) if current else "—"


def own_supervisor_cell(enrolment: Enrolment) -> str:
    """The current own supervisor's name, or a dash."""
    current = enrolment.current_assignment
    return current.supervisor.display_name if current else "—"
