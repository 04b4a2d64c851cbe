"""Cells and links read from rows of values (selects of the listed columns only, no objects)."""

from typing import Any

from app.models.scheme import scheme_label


def scheme_cell(row: Any) -> str:
    """The scheme of a row holding `scheme_label_columns()`, as people read it."""
    return scheme_label(row.scheme_title, row.scheme_version, row.scheme_revision)


def enrolment_row_link(row: Any) -> tuple[str, dict[str, int]]:
    """Where a row holding `enrolment_id` links: its enrolment's page."""
    return "enrolments.show", {"enrolment_id": row.enrolment_id}
