"""Reflections: the trainee writes them, keeps them private or shares them with supervisors."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.authz.actions import Action
from app.authz.scopes import reflection_rights, visible_reflections
from app.authz.web import current_actor, load_or_404, requires
from app.i18n import gettext as _
from app.i18n import local_today
from app.lists.urls import paginate
from app.models import Case, Enrolment, Reflection, SupervisionSession
from app.services.evidence import reflections, removals
from app.services.people.enrolment_queries import TABS
from app.services.supervision import queries
from app.web.commit import apply_or_flash, apply_service
from app.web.forms import choices

from .forms import ReflectionForm

bp = Blueprint("reflections", __name__)


def _subjects(enrolment: Enrolment) -> dict[str, Case | SupervisionSession]:
    """What a reflection may be about, keyed by the select's values."""
    found: dict[str, Case | SupervisionSession] = {}
    for case in queries.cases_of(enrolment):
        found[f"case-{case.id}"] = case
    for session in queries.sessions_of(enrolment):
        found[f"session-{session.id}"] = session
    return found


def _about_choices(subjects: dict[str, Case | SupervisionSession]) -> list[SelectChoice]:
    """The 'about' options, cases and sessions each in their own group."""
    cases = [(key, s.title) for key, s in subjects.items() if isinstance(s, Case)]
    sessions = [
        (key, _("Session of %(date)s", date=format_date(s.held_on)))
        for key, s in subjects.items()
        if isinstance(s, SupervisionSession)
    ]
    return [
        *choices([("", _("Nothing in particular"))]),
        *choices(cases, group=_("Cases")),
        *choices(sessions, group=_("Supervision sessions")),
    ]


@bp.get("/enrolments/<int:enrolment_id>/reflections")
@requires(Action.VIEW_EVIDENCE)
def index(enrolment_id: int) -> str:
    """The reflections the signed-in user may read, newest first."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.VIEW_EVIDENCE, TABS)
    viewer = current_actor()
    rows, ids = queries.reflection_rows(visible_reflections(viewer, enrolment))
    page = paginate(rows, tuple_rows=True, per_page=current_app.config["PAGE_SIZE"], counted=ids)
    return render_template(
        "reflections/index.html",
        enrolment=enrolment,
        page=page,
        rights=reflection_rights(viewer, enrolment),
    )


@bp.route("/enrolments/<int:enrolment_id>/reflections/new", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def new(enrolment_id: int) -> tuple[str, int] | Response:
    """Write a reflection, private unless the trainee chooses to share it."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.RECORD_EVIDENCE, TABS)
    subjects = _subjects(enrolment)
    form = ReflectionForm()
    form.about.choices = _about_choices(subjects)
    if request.method == "GET":
        form.written_on.data = local_today()
    if form.validate_on_submit() and not form.needs_rephrasing():
        actor = current_actor()
        reflection = apply_service(
            form,
            lambda: reflections.write_reflection(
                actor,
                enrolment,
                form.written_on.data,
                form.title.data or "",
                form.body.data or "",
                form.private.data,
                local_today(),
                subjects.get(form.about.data or ""),
            ),
        )
        if reflection:
            shared = _("Reflection shared with your supervisors.")
            flash(_("Reflection kept privately.") if reflection.private else shared, "success")
            return redirect(url_for("reflections.index", enrolment_id=enrolment.id))
    status = 422 if form.errors or form.has_warnings() else 200
    return render_template("reflections/form.html", form=form, enrolment=enrolment), status


@bp.post("/reflections/<int:reflection_id>/share")
@requires(Action.SHARE_REFLECTION)
def share(reflection_id: int) -> Response:
    """Let the trainee's supervisors read a private reflection."""
    reflection = load_or_404(Reflection, reflection_id, Action.SHARE_REFLECTION)
    actor = current_actor()
    if apply_or_flash(lambda: reflections.share_reflection(actor, reflection)):
        flash(_("Shared with your supervisors."), "success")
    return redirect(url_for("reflections.index", enrolment_id=reflection.enrolment_id))


@bp.post("/reflections/<int:reflection_id>/delete")
@requires(Action.RECORD_EVIDENCE)
def delete(reflection_id: int) -> Response:
    """Its author deletes a reflection."""
    reflection = load_or_404(Reflection, reflection_id, Action.RECORD_EVIDENCE)
    enrolment_id = reflection.enrolment_id
    actor = current_actor()
    if apply_or_flash(lambda: removals.delete_reflection(actor, reflection)):
        flash(_("Reflection deleted."), "success")
    return redirect(url_for("reflections.index", enrolment_id=enrolment_id))
