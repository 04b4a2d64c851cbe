"""Coordinators invite people and manage their roles and grades."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.scopes import visible_enrolments
from app.authz.web import current_actor, requires
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import local_today
from app.lists.csv_export import csv_download
from app.lists.urls import paginate
from app.mail.account_messages import send_invitation
from app.models import Enrolment, SupervisorGrade, User
from app.services import audit
from app.services.people import account_status, directory, enrolment_queries
from app.web.commit import apply_or_flash, apply_service

from . import listing
from .forms import InviteForm, PersonForm

bp = Blueprint("people", __name__, url_prefix="/people")


def _grade(form: PersonForm) -> SupervisorGrade | None:
    return SupervisorGrade(form.supervisor_grade.data) if form.supervisor_grade.data else None


def _invite_lifetime() -> timedelta:
    return timedelta(hours=current_app.config["INVITE_VALID_HOURS"])


def _flash_delivery(sent: bool, user: User) -> None:
    if sent:
        flash(_("An invitation is on its way to %(email)s.", email=user.email), "success")
    else:
        flash(
            _(
                "The invitation e-mail to %(email)s could not be sent. Try “Send a new "
                "invitation” on their page later.",
                email=user.email,
            ),
            "warning",
        )


@bp.get("")
@requires(Action.MANAGE_PEOPLE)
def index() -> str:
    """Everyone, searchable by name or e-mail, filterable by role and account, sortable."""
    filters = listing.filters_from_request()
    page = paginate(
        filters.rows(),
        tuple_rows=True,
        per_page=current_app.config["PAGE_SIZE"],
        counted=filters.ids(),
    )
    return render_template(
        "people/index.html",
        page=page,
        filters=filters,
        columns=listing.ROW_COLUMNS,
        account_cell=listing.account_cell,
    )


@bp.get("/export.csv")
@requires(Action.EXPORT_LISTS)
def export() -> Response:
    """The people list as it is filtered and sorted, every page, as a CSV file."""
    filters = listing.filters_from_request()
    audit.record(
        current_actor(),
        "people.exported",
        "list",
        None,
        after=request.args.to_dict(),
    )
    db.session.commit()
    name = f"people-{local_today().isoformat()}.csv"
    return csv_download(name, listing.ROW_COLUMNS, filters.rows(), tuple_rows=True)


@bp.route("/invite", methods=["GET", "POST"])
@requires(Action.MANAGE_PEOPLE)
def invite() -> tuple[str, int] | Response:
    """Invite a person by e-mail with one or more roles, in a language (the inviter's own
    unless another is chosen)."""
    actor = current_actor()
    form = InviteForm(locale=actor.locale)
    invited = form.validate_on_submit() and apply_service(
        form,
        lambda: directory.invite_person(
            actor,
            form.email.data or "",
            form.display_name.data or "",
            form.chosen_roles(),
            _grade(form),
            _invite_lifetime(),
            form.locale.data,
        ),
    )
    if invited:
        user, raw = invited
        _flash_delivery(send_invitation(user, raw, actor), user)
        return redirect(url_for("people.show", user_id=user.id))
    return render_template("people/invite.html", form=form), 422 if form.errors else 200


def _load_person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


def _person_page(person: User, form: PersonForm, status: int = 200) -> tuple[str, int]:
    enrolments = db.session.scalars(
        visible_enrolments(current_user).where(Enrolment.trainee_id == person.id)
    ).all()
    supervisees = enrolment_queries.current_supervisees(person)
    page = render_template(
        "people/show.html",
        person=person,
        form=form,
        enrolments=enrolments,
        supervisees=supervisees,
        status_change=account_status.last_status_change(person),
    )
    return page, status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@requires(Action.MANAGE_PEOPLE)
def show(user_id: int) -> tuple[str, int] | Response:
    """A person's roles, grade, enrolments and supervisees; coordinators edit them here."""
    person = _load_person(user_id)
    form = PersonForm(obj=person)
    if form.validate_on_submit() and apply_service(
        form,
        lambda: directory.update_person(
            current_actor(),
            person,
            form.display_name.data or "",
            form.chosen_roles(),
            _grade(form),
        ),
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("people.show", user_id=person.id))
    return _person_page(person, form, 422 if form.errors else 200)


@bp.post("/<int:user_id>/reinvite")
@requires(Action.MANAGE_PEOPLE)
def reinvite(user_id: int) -> Response:
    """Send a fresh invitation to someone who has not set a password yet."""
    person = _load_person(user_id)
    actor = current_actor()
    links: list[str] = []
    if apply_or_flash(lambda: links.append(directory.reinvite(actor, person, _invite_lifetime()))):
        _flash_delivery(send_invitation(person, links[0], actor), person)
    return redirect(url_for("people.show", user_id=person.id))
