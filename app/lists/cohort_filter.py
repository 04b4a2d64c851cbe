"""The pipeline lists' cohort filter: a drop-down while an association has few cohorts, a name
typed (with names suggested as one types) once a drop-down would be too long to use. Either way
`?cohort=<id>` still filters, so addresses kept from the drop-down keep working."""

from dataclasses import replace
from typing import Any

from flask import url_for
from sqlalchemy import Select, select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.i18n import lazy_ngettext
from app.lists.worklist import Choice, ListArgs, TypedChoice, id_arg
from app.models import Cohort, Enrolment
from app.services.coordination import cohort_names, pipeline

# The most cohorts a drop-down lists; with more, the cohort is typed.
DROP_DOWN_MOST = 30
TYPED = "cohort_name"

_COHORTS = select(Cohort.id, Cohort.name).order_by(Cohort.name).limit(DROP_DOWN_MOST + 1)


def cohort_choice(args: ListArgs) -> Choice | TypedChoice:
    """The drop-down of every cohort, or the typed name when there are too many to list."""
    cohorts = db.session.execute(_COHORTS).all()
    if len(cohorts) <= DROP_DOWN_MOST:
        return Choice("cohort", _l("Cohort"), [(str(c.id), c.name) for c in cohorts])
    text = args.typed.get(TYPED, "")
    cohort_id = id_arg(args, "cohort")
    if not text and cohort_id is not None:
        text = cohort_names.name_of(cohort_id) or ""
    choice = TypedChoice(TYPED, _l("Cohort"), text, url_for("cohorts.names"))
    typed = args.typed.get(TYPED, "")
    found = cohort_names.count_named(typed) if typed else 1
    if found == 0:
        return replace(choice, error=_l("No cohort's name contains “%(text)s”.", text=typed))
    if found > 1:
        hint = lazy_ngettext(
            "%(num)s cohort's name contains “%(text)s”: the list shows its trainees.",
            "%(num)s cohorts' names contain “%(text)s”: the list shows all their trainees.",
            found,
            text=typed,
        )
        return replace(choice, hint=hint)
    return choice


def cohort_chosen(args: ListArgs) -> bool:
    """Whether `narrow_to_cohort` filters anything."""
    return id_arg(args, "cohort") is not None or bool(args.typed.get(TYPED))


def narrow_to_cohort(query: Select[Any], args: ListArgs) -> Select[Any]:
    """The enrolments of the chosen cohort's trainees (by id or by a typed name)."""
    cohort_id = id_arg(args, "cohort")
    if cohort_id is not None:
        query = query.where(Enrolment.trainee_id.in_(pipeline.cohort_trainees(cohort_id)))
    text = args.typed.get(TYPED, "")
    if text:
        trainees = cohort_names.trainees_of_cohorts_named(text)
        query = query.where(Enrolment.trainee_id.in_(trainees))
    return query
