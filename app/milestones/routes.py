"""Milestones the trainee records, and pauses coordinators record on an enrolment."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.authz.actions import Action
from app.authz.web import current_actor, load_or_404, requires
from app.i18n import gettext as _
from app.i18n import local_today
from app.models import Enrolment, MilestoneKind
from app.models.scheme_text import read_text
from app.services.evidence import milestones
from app.services.supervision import queries
from app.web.commit import apply_service
from app.web.evidence_labels import MILESTONE_NAMES
from app.web.forms import choices

from .forms import MilestoneForm, PauseForm

bp = Blueprint("milestones", __name__)


def _subtype_choices(enrolment: Enrolment) -> list[SelectChoice]:
    """No subtype, then the documents and meetings of the enrolment's scheme, grouped by kind."""
    found = queries.milestone_subtypes(enrolment)
    options = choices([("", _("None (not a document or meeting)"))])
    for kind in ("document", "meeting"):
        pairs = [(subtype, read_text(label)) for k, subtype, label in found if k == kind]
        options += choices(pairs, group=str(MILESTONE_NAMES[kind]))
    return options


@bp.route("/enrolments/<int:enrolment_id>/milestones/new", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def new(enrolment_id: int) -> tuple[str, int] | Response:
    """Record a course completed, an intro session, a document, a presentation ..."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.RECORD_EVIDENCE)
    form = MilestoneForm()
    form.subtype.choices = _subtype_choices(enrolment)
    if request.method == "GET":
        form.occurred_on.data = local_today()
    if form.validate_on_submit() and not form.needs_rephrasing():
        actor = current_actor()
        kind = MilestoneKind(form.kind.data)
        subtype = (form.other_subtype.data or "").strip() or form.subtype.data or ""
        if apply_service(
            form,
            lambda: milestones.record_milestone(
                actor,
                enrolment,
                kind,
                subtype,
                form.occurred_on.data,
                form.title.data or "",
                form.notes.data or "",
                local_today(),
            ),
        ):
            flash(_("%(what)s recorded.", what=MILESTONE_NAMES[kind.value]), "success")
            return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    status = 422 if form.errors or form.has_warnings() else 200
    return render_template("milestones/form.html", form=form, enrolment=enrolment), status


@bp.route("/enrolments/<int:enrolment_id>/pauses/new", methods=["GET", "POST"])
@requires(Action.RECORD_PAUSE)
def new_pause(enrolment_id: int) -> tuple[str, int] | Response:
    """Record a pause (illness, leave) that extends the trainee's expected dates."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.RECORD_PAUSE)
    form = PauseForm()
    if form.validate_on_submit() and apply_service(
        form,
        lambda: milestones.record_pause(
            current_actor(),
            enrolment,
            form.starts_on.data,
            form.ends_on.data,
            form.reason.data or "",
        ),
    ):
        flash(_("Pause recorded; expected dates move on by its length."), "success")
        return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    page = render_template("milestones/pause_form.html", form=form, enrolment=enrolment)
    return page, 422 if form.errors else 200
