"""Coordinators create cohorts, add and remove trainees, and see who is in which stage."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, requires
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import ngettext
from app.lists.worklist import TYPED_LENGTH, csv_response, page_context
from app.models import Cohort, CohortKind
from app.services.coordination import cohort_names, cohorts, pipeline
from app.web.commit import apply_or_flash, apply_service

from . import listing
from .forms import AddMembersForm, CohortForm

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


def _load(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


@bp.get("")
@requires(Action.MANAGE_COHORTS)
def index() -> str:
    """Every cohort with its number of trainees; search, filter by kind, sort, download."""
    return render_template("cohorts/index.html", **page_context(listing.COHORTS))


@bp.get("/export.csv")
@requires(Action.EXPORT_LISTS)
def export() -> Response:
    """The cohort list as filtered and sorted, as CSV."""
    return csv_response(listing.COHORTS, "cohorts")


@bp.get("/names")
@requires(Action.VIEW_PIPELINE)
def names() -> Response:
    """Names of cohorts containing the typed `q`, for the pipeline lists' cohort field."""
    text = " ".join(request.args.get("q", "")[:TYPED_LENGTH].split())
    return jsonify(names=cohort_names.names_like(text))


@bp.route("/new", methods=["GET", "POST"])
@requires(Action.MANAGE_COHORTS)
def new() -> tuple[str, int] | Response:
    """Create a cohort."""
    form = CohortForm()
    actor = current_actor()
    created = form.validate_on_submit() and apply_service(
        form,
        lambda: cohorts.create_cohort(
            actor, form.name.data or "", CohortKind(form.kind.data), form.description.data or ""
        ),
    )
    if created:
        flash(_("Cohort created. Add its trainees below."), "success")
        return redirect(url_for("cohorts.show", cohort_id=created.id))
    return render_template("cohorts/form.html", form=form, cohort=None), (
        422 if form.errors else 200
    )


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_COHORTS)
def edit(cohort_id: int) -> tuple[str, int] | Response:
    """Rename or re-describe a cohort."""
    cohort = _load(cohort_id)
    form = CohortForm(obj=cohort)
    actor = current_actor()
    saved = form.validate_on_submit() and apply_service(
        form,
        lambda: cohorts.update_cohort(
            actor,
            cohort,
            form.name.data or "",
            CohortKind(form.kind.data),
            form.description.data or "",
        ),
    )
    if saved:
        flash(_("Cohort saved."), "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort), (
        422 if form.errors else 200
    )


def _show(cohort: Cohort, form: AddMembersForm, status: int = 200) -> tuple[str, int]:
    counts = pipeline.counts_by_scheme_and_stage(cohort.id)
    page = render_template(
        "cohorts/show.html",
        cohort=cohort,
        form=form,
        counts=counts,
        unenrolled=cohorts.unenrolled_members(cohort),
        kind_names=listing.KIND_NAMES,
        **page_context(listing.members_list(cohort.id, counts)),
    )
    return page, status


@bp.get("/<int:cohort_id>")
@requires(Action.MANAGE_COHORTS)
def show(cohort_id: int) -> tuple[str, int]:
    """Per stage, how many of the cohort's trainees are in it; then the trainees themselves."""
    return _show(_load(cohort_id), AddMembersForm())


@bp.get("/<int:cohort_id>/export.csv")
@requires(Action.EXPORT_LISTS)
def export_members(cohort_id: int) -> Response:
    """The cohort's trainees as filtered and sorted, as CSV."""
    cohort = _load(cohort_id)
    members = listing.members_list(cohort.id, ())  # a CSV offers no filters to choose from
    return csv_response(members, f"cohort-{cohort.id}", "cohort", cohort.id)


@bp.post("/<int:cohort_id>/members")
@requires(Action.MANAGE_COHORTS)
def add_members(cohort_id: int) -> tuple[str, int] | Response:
    """Add trainees by e-mail address (all or none)."""
    cohort = _load(cohort_id)
    form = AddMembersForm()
    actor = current_actor()
    added = form.validate_on_submit() and apply_service(
        form, lambda: cohorts.add_members(actor, cohort, form.addresses.data or "")
    )
    if added is None or added is False:
        return _show(cohort, form, 422)
    flash(
        ngettext("%(num)s trainee added.", "%(num)s trainees added.", len(added))
        if added
        else _("Everyone named is already in the cohort."),
        "success",
    )
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.get("/<int:cohort_id>/members")
@requires(Action.MANAGE_COHORTS)
def members(cohort_id: int) -> str:
    """Every trainee of the cohort, each with a button to take them out; deleting the cohort."""
    cohort = _load(cohort_id)
    return render_template(
        "cohorts/members.html", cohort=cohort, members=cohorts.members_of(cohort)
    )


@bp.post("/<int:cohort_id>/members/<int:user_id>/remove")
@requires(Action.MANAGE_COHORTS)
def remove_member(cohort_id: int, user_id: int) -> Response:
    """Take a trainee out of the cohort."""
    cohort = _load(cohort_id)
    actor = current_actor()
    if apply_or_flash(lambda: cohorts.remove_member(actor, cohort, user_id)):
        flash(_("Taken out of the cohort."), "success")
    return redirect(url_for("cohorts.members", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/delete")
@requires(Action.MANAGE_COHORTS)
def delete(cohort_id: int) -> Response:
    """Delete the cohort (not its trainees)."""
    cohort = _load(cohort_id)
    actor = current_actor()
    if apply_or_flash(lambda: cohorts.delete_cohort(actor, cohort)):
        flash(_("Cohort deleted."), "success")
        return redirect(url_for("cohorts.index"))
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))
