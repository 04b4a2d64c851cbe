"""Recording the cycles of a case; the stage a cycle counts toward is derived, never typed."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, load_or_404, requires
from app.i18n import gettext as _
from app.i18n import local_today
from app.models import Case, Cycle
from app.services.evidence import films, removals
from app.web.commit import apply_or_flash, apply_service

from .forms import CycleForm

bp = Blueprint("cycles", __name__)


def _save(form: CycleForm, case: Case, cycle: Cycle | None) -> Cycle | None:
    return apply_service(
        form,
        lambda: films.save_cycle(
            current_actor(),
            case,
            form.filmed_on.data,
            form.micro_analysis_done.data,
            form.shared_review_on.data,
            form.review_filmed.data,
            form.notes.data or "",
            local_today(),
            cycle,
        ),
    )


def _render(form: CycleForm, case: Case, cycle: Cycle | None) -> tuple[str, int]:
    status = 422 if form.errors or form.has_warnings() else 200
    return render_template("cycles/form.html", form=form, case=case, cycle=cycle), status


@bp.route("/cases/<int:case_id>/cycles/new", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def new(case_id: int) -> tuple[str, int] | Response:
    """Record a cycle of a case."""
    case = load_or_404(Case, case_id, Action.RECORD_EVIDENCE)
    form = CycleForm()
    if request.method == "GET":
        form.filmed_on.data = local_today()
    if (
        form.validate_on_submit()
        and not form.needs_rephrasing(case.label)
        and _save(form, case, None)
    ):
        flash(_("Cycle recorded."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return _render(form, case, None)


@bp.route("/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def edit(cycle_id: int) -> tuple[str, int] | Response:
    """Change a cycle (for example, once the shared review is held)."""
    cycle = load_or_404(Cycle, cycle_id, Action.RECORD_EVIDENCE)
    form = CycleForm(obj=cycle)
    if (
        form.validate_on_submit()
        and not form.needs_rephrasing(cycle.case.label)
        and _save(form, cycle.case, cycle)
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("cases.show", case_id=cycle.case_id))
    return _render(form, cycle.case, cycle)


@bp.post("/cycles/<int:cycle_id>/delete")
@requires(Action.RECORD_EVIDENCE)
def delete(cycle_id: int) -> Response:
    """Delete a cycle without films."""
    cycle = load_or_404(Cycle, cycle_id, Action.RECORD_EVIDENCE)
    case_id = cycle.case_id
    if apply_or_flash(lambda: removals.delete_cycle(current_actor(), cycle)):
        flash(_("Cycle deleted."), "success")
    return redirect(url_for("cases.show", case_id=case_id))
