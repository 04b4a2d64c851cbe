"""Coordinators deactivate and reactivate accounts, hand over supervisees, merge duplicates and
erase people who ask."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, requires
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import local_today, ngettext
from app.models import User
from app.models.scheme_text import read_text
from app.services.people import account_status, directory, enrolment_queries, merges
from app.services.privacy import erasure
from app.services.supervision import transfers
from app.storage import clip_storage
from app.web.commit import apply_or_flash, apply_service
from app.web.forms import choices

from .management_forms import DeactivateForm, EraseForm, MergeForm, ReassignForm

bp = Blueprint("people_management", __name__, url_prefix="/people")


def _person(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _status(form: object) -> int:
    return 422 if getattr(form, "errors", None) else 200


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires(Action.MANAGE_PEOPLE)
def deactivate(user_id: int) -> tuple[str, int] | Response:
    """Stop a person signing in, with a reason; warns about trainees they still supervise."""
    person = _person(user_id)
    form = DeactivateForm()
    actor = current_actor()
    if form.validate_on_submit():
        supervisees = apply_service(
            form, lambda: account_status.deactivate_person(actor, person, form.reason.data or "")
        )
        if supervisees is not None:
            flash(_("%(name)s can no longer sign in.", name=person.display_name), "success")
            if supervisees:
                message = ngettext(
                    "%(num)s trainee still has them as own supervisor: hand them over below.",
                    "%(num)s trainees still have them as own supervisor: hand them over below.",
                    len(supervisees),
                )
                flash(message, "warning")
            return redirect(url_for("people.show", user_id=person.id))
    page = render_template(
        "people/deactivate.html",
        person=person,
        form=form,
        supervisees=enrolment_queries.current_supervisees(person),
    )
    return page, _status(form)


@bp.post("/<int:user_id>/reactivate")
@requires(Action.MANAGE_PEOPLE)
def reactivate(user_id: int) -> Response:
    """Let a deactivated person sign in again."""
    person = _person(user_id)
    actor = current_actor()
    if apply_or_flash(lambda: account_status.reactivate_person(actor, person)):
        flash(_("%(name)s can sign in again.", name=person.display_name), "success")
    return redirect(url_for("people.show", user_id=person.id))


def _reassign_form(person: User) -> ReassignForm:
    form = ReassignForm()
    supervisees = enrolment_queries.current_supervisees(person)
    form.enrolments.choices = choices(
        (e.id, f"{e.trainee.display_name} · {read_text(e.scheme.label)}") for e in supervisees
    )
    supervisors = db.session.execute(directory.supervisor_names())
    form.supervisor.choices = choices(
        [("", _("— choose —")), *((id_, name) for id_, name in supervisors if id_ != person.id)]
    )
    if request.method == "GET":
        form.enrolments.data = [e.id for e in supervisees]
        form.from_date.data = local_today()
    return form


@bp.route("/<int:user_id>/supervisees", methods=["GET", "POST"])
@requires(Action.CHANGE_SUPERVISOR)
def reassign(user_id: int) -> tuple[str, int] | Response:
    """Hand some or all of a supervisor's trainees to another own supervisor from a date."""
    person = _person(user_id)
    form = _reassign_form(person)
    if form.validate_on_submit():
        new_supervisor = _person(form.supervisor.data)
        chosen = [
            e for e in enrolment_queries.current_supervisees(person) if e.id in form.chosen_ids()
        ]
        made = apply_service(
            form,
            lambda: transfers.reassign_supervisees(
                current_actor(),
                person,
                chosen,
                new_supervisor,
                form.from_date.data,
                local_today(),
            ),
        )
        if made:
            message = ngettext(
                "%(num)s trainee now has %(name)s as own supervisor.",
                "%(num)s trainees now have %(name)s as own supervisor.",
                len(made),
                name=new_supervisor.display_name,
            )
            flash(message, "success")
            return redirect(url_for("people.show", user_id=person.id))
    page = render_template("people/reassign.html", person=person, form=form)
    return page, _status(form)


@bp.route("/<int:user_id>/merge", methods=["GET", "POST"])
@requires(Action.MANAGE_PEOPLE)
def merge(user_id: int) -> tuple[str, int] | Response:
    """Merge a duplicate account into this one."""
    person = _person(user_id)
    form = MergeForm()
    actor = current_actor()
    if form.validate_on_submit() and apply_service(
        form,
        lambda: merges.merge_people(
            actor,
            person,
            merges.account_by_email(form.duplicate.data or ""),
            form.note.data or "",
        ),
    ):
        flash(
            _(
                "%(email)s is merged into this account and deactivated.",
                email=form.duplicate.data,
            ),
            "success",
        )
        return redirect(url_for("people.show", user_id=person.id))
    page = render_template("people/merge.html", person=person, form=form)
    return page, _status(form)


@bp.route("/<int:user_id>/erase", methods=["GET", "POST"])
@requires(Action.ERASE_PERSON)
def erase(user_id: int) -> tuple[str, int] | Response:
    """Erase a person who asked, keeping only what the association must keep."""
    person = _person(user_id)
    form = EraseForm(person.email)
    actor = current_actor()
    erased = form.validate_on_submit() and apply_service(
        form,
        lambda: erasure.erase_person(
            actor, person, form.reason.data or "", local_today(), clip_storage()
        ),
    )
    if erased:
        flash(
            _(
                "The person is erased. %(certificates)s kept; %(entries)s anonymised.",
                certificates=ngettext(
                    "%(num)s certificate", "%(num)s certificates", erased.certificates_kept
                ),
                entries=ngettext(
                    "%(num)s audit entry", "%(num)s audit entries", erased.audit_entries_redacted
                ),
            ),
            "success",
        )
        return redirect(url_for("people.show", user_id=person.id))
    duplicates = erasure.merged_duplicates(person)
    page = render_template(
        "people/erase.html",
        person=person,
        form=form,
        erased=erasure.is_erased(person),
        duplicates=duplicates,
        needed=erasure.still_needed([person, *duplicates], local_today()),
    )
    return page, _status(form)
