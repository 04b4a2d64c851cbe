"""Ratings against the principles: the trainee's own beside their supervisor's, with history."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import can_current, current_actor, load_or_404, requires
from app.extensions import db
from app.i18n import date_text, local_today
from app.i18n import gettext as _
from app.models import (
    Case,
    Cycle,
    Element,
    Enrolment,
    Film,
    Moment,
    Principle,
    Rating,
)
from app.models.scheme_text import read_text
from app.services.people.enrolment_queries import TABS
from app.services.signoff import ratings
from app.web.commit import apply_service
from app.web.forms import choices
from app.web.progress_charts import RATER_COLOURS, rater_names, rating_charts

from .forms import RatingForm

bp = Blueprint("ratings", __name__)
RECENT_MOMENTS = 100


def _form(enrolment: Enrolment, formdata: bool = True) -> RatingForm:
    form = RatingForm() if formdata else RatingForm(formdata=None)
    framework = enrolment.scheme.framework
    form.principle.choices = choices(
        (p.id, f"{p.number}. {read_text(p.name)}") for p in framework.principles
    )
    form.element.choices = choices([(0, _("— the principle as a whole —"))]) + [
        option
        for p in framework.principles
        for option in choices(
            ((e.id, read_text(e.text)) for e in p.elements), group=read_text(p.name)
        )
    ]
    moments = db.session.scalars(
        select(Moment)
        .join(Film)
        .join(Cycle)
        .join(Case)
        .where(Case.enrolment_id == enrolment.id)
        .options(
            selectinload(Moment.film).selectinload(Film.cycle).selectinload(Cycle.case),
            selectinload(Moment.principle),
        )
        .order_by(Moment.created_at.desc())
        .limit(RECENT_MOMENTS)
    )
    form.moments.choices = choices(
        (
            m.id,
            f"{m.film.cycle.case.code} {date_text(m.film.recorded_on)} · "
            f"{read_text(m.principle.name)}",
        )
        for m in moments
    )
    return form


def _page(enrolment: Enrolment, form: RatingForm | None, status: int = 200) -> tuple[str, int]:
    history = ratings.history(enrolment)
    latest: dict[tuple[int, str], Rating] = {}
    for rating in reversed(history):
        if rating.element_id is None:
            latest[(rating.principle_id, rating.kind.value)] = rating
    page = render_template(
        "ratings/index.html",
        enrolment=enrolment,
        history=history,
        latest=latest,
        form=form,
        charts=rating_charts(enrolment.scheme.framework.principles, history),
        rater_colours=RATER_COLOURS,
        rater_names=rater_names(),
    )
    return page, status


@bp.get("/enrolments/<int:enrolment_id>/ratings")
@requires(Action.VIEW_EVIDENCE)
def index(enrolment_id: int) -> tuple[str, int]:
    """Each principle's latest self-assessment and supervisor rating, and the history."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.VIEW_EVIDENCE, TABS)
    form = _form(enrolment, formdata=False) if can_current(Action.RATE, enrolment) else None
    return _page(enrolment, form)


@bp.post("/enrolments/<int:enrolment_id>/ratings")
@requires(Action.RATE)
def rate(enrolment_id: int) -> tuple[str, int] | Response:
    """Add a rating (history is kept, never overwritten)."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.RATE, TABS)
    form = _form(enrolment)
    if form.validate_on_submit() and not form.needs_rephrasing():
        principle = db.session.get(Principle, form.principle.data) or abort(404)
        element = db.session.get(Element, form.element.data) if form.element.data else None
        moments = [m for m in (db.session.get(Moment, i) for i in form.moments.data or []) if m]
        if apply_service(
            form,
            lambda: ratings.rate(
                current_actor(),
                enrolment,
                principle,
                element,
                form.score.data or 0,
                form.comment.data or "",
                moments,
                local_today(),
            ),
        ):
            flash(_("Rating saved."), "success")
            return redirect(url_for("ratings.index", enrolment_id=enrolment.id))
    return _page(enrolment, form, 422)
