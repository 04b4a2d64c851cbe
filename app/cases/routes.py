"""A trainee's cases and the consents that cover their films."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, load_or_404, requires
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import local_today, ngettext
from app.models import Case, CaseSetting, Consent, ConsentScope, Enrolment
from app.services.evidence import cases, queries, removals
from app.services.people.enrolment_queries import TABS
from app.services.progress.evaluate import counted_in
from app.services.progress.kept import progress_of
from app.web.commit import apply_or_flash, apply_service

from .forms import CaseForm, ConsentForm, WithdrawConsentForm

bp = Blueprint("cases", __name__)


@bp.get("/enrolments/<int:enrolment_id>/cases")
@requires(Action.VIEW_EVIDENCE)
def index(enrolment_id: int) -> str:
    """The enrolment's cases, newest first, with their counts of cycles."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.VIEW_EVIDENCE, TABS)
    page = db.paginate(
        queries.cases_query(enrolment),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    counts = queries.cycle_counts([c.id for c in page.items])
    return render_template("cases/index.html", enrolment=enrolment, page=page, counts=counts)


def _save_case(form: CaseForm, enrolment: Enrolment, case: Case | None) -> Case | None:
    actor = current_actor()
    values = (
        CaseSetting(form.setting.data),
        form.label.data or "",
        form.helping_question.data or "",
        form.goals.data or "",
        form.started_on.data,
        form.ended_on.data,
        local_today(),
    )
    if case is None:
        return apply_service(form, lambda: cases.create_case(actor, enrolment, *values))
    return apply_service(form, lambda: cases.update_case(actor, case, *values))


@bp.route("/enrolments/<int:enrolment_id>/cases/new", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def new(enrolment_id: int) -> tuple[str, int] | Response:
    """Open a case; its code is generated."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.RECORD_EVIDENCE, TABS)
    form = CaseForm()
    if request.method == "GET":
        form.started_on.data = local_today()
    if form.validate_on_submit() and not form.needs_rephrasing(form.label.data or ""):
        case = _save_case(form, enrolment, None)
        if case:
            flash(_("Case %(code)s is open. Record the consent next.", code=case.code), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    status = 422 if form.errors or form.has_warnings() else 200
    return render_template("cases/form.html", form=form, enrolment=enrolment, case=None), status


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def edit(case_id: int) -> tuple[str, int] | Response:
    """Change a case's details."""
    case = load_or_404(Case, case_id, Action.RECORD_EVIDENCE)
    form = CaseForm(obj=case)
    if (
        form.validate_on_submit()
        and not form.needs_rephrasing(form.label.data or "")
        and _save_case(form, case.enrolment, case)
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    status = 422 if form.errors or form.has_warnings() else 200
    page = render_template("cases/form.html", form=form, enrolment=case.enrolment, case=case)
    return page, status


@bp.get("/cases/<int:case_id>")
@requires(Action.VIEW_EVIDENCE)
def show(case_id: int) -> str:
    """A case: its consents and its cycles with their films."""
    case = load_or_404(Case, case_id, Action.VIEW_EVIDENCE)
    cycles = queries.cycles_of(case)
    retention = case.enrolment.scheme.film_retention_months
    progress = progress_of(case.enrolment, local_today())
    return render_template(
        "cases/show.html",
        case=case,
        cycles=cycles,
        cycle_stages=counted_in(progress, "cycle"),
        counts_cycles=any(r.kind == "cycles" for s in progress.stages for r in s.requirements),
        default_deletion=cases.default_deletion_date(case, retention),
    )


@bp.route("/cases/<int:case_id>/consents/new", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def add_consent(case_id: int) -> tuple[str, int] | Response:
    """Record a consent for a case's films."""
    case = load_or_404(Case, case_id, Action.RECORD_EVIDENCE)
    form = ConsentForm()
    months = case.enrolment.scheme.film_retention_months
    form.deletion_due_on.description = ngettext(
        "Leave empty to use the scheme's rule: the case's end plus %(num)s month.",
        "Leave empty to use the scheme's rule: the case's end plus %(num)s months.",
        months,
    )
    if request.method == "GET":
        form.given_on.data = local_today()
        form.scopes.data = [ConsentScope.FILMING.value, ConsentScope.OWN_SUPERVISOR.value]
    if form.validate_on_submit() and apply_service(
        form,
        lambda: cases.add_consent(
            current_actor(),
            case,
            form.given_by_role.data or "",
            form.given_on.data,
            {ConsentScope(s) for s in form.scopes.data or []},
            form.deletion_due_on.data or cases.default_deletion_date(case, months),
            local_today(),
        ),
    ):
        flash(_("Consent recorded."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    page = render_template("cases/consent_form.html", form=form, case=case)
    return page, 422 if form.errors else 200


@bp.route("/consents/<int:consent_id>/withdraw", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def withdraw_consent(consent_id: int) -> tuple[str, int] | Response:
    """Record that consent was withdrawn (wholly or in part)."""
    consent = load_or_404(Consent, consent_id, Action.RECORD_EVIDENCE)
    form = WithdrawConsentForm()
    form.remaining.choices = [c for c in form.remaining.choices if c.value in consent.scopes]
    if request.method == "GET":
        form.withdrawn_on.data = local_today()
    if form.validate_on_submit() and apply_service(
        form,
        lambda: cases.withdraw_consent(
            current_actor(),
            consent,
            form.withdrawn_on.data,
            {ConsentScope(s) for s in form.remaining.data or []},
            local_today(),
        ),
    ):
        flash(_("Withdrawal recorded. The films' deletion is now due."), "warning")
        return redirect(url_for("cases.show", case_id=consent.case_id))
    page = render_template("cases/withdraw_form.html", form=form, consent=consent)
    return page, 422 if form.errors else 200


@bp.post("/cases/<int:case_id>/delete")
@requires(Action.RECORD_EVIDENCE)
def delete(case_id: int) -> Response:
    """Delete a case that has no cycles."""
    case = load_or_404(Case, case_id, Action.RECORD_EVIDENCE)
    enrolment_id = case.enrolment_id
    if apply_or_flash(lambda: removals.delete_case(current_actor(), case)):
        flash(_("Case deleted."), "success")
        return redirect(url_for("cases.index", enrolment_id=enrolment_id))
    return redirect(url_for("cases.show", case_id=case_id))
