"""Enrolments: coordinators enrol trainees and change supervisors; everyone involved sees them."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.authz.actions import Action
from app.authz.web import current_actor, load_or_404, requires
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import local_today
from app.lists.csv_export import csv_download
from app.lists.rows import enrolment_row_link
from app.lists.urls import paginate
from app.lists.worklist import shown_rows
from app.models import Enrolment, Stage, User
from app.models.scheme_text import read_text
from app.services import audit
from app.services.certificates.issuing import certificate_list
from app.services.people import directory, enrolments
from app.services.people.enrolment_queries import ONE_ENROLMENT
from app.services.portfolio import cache
from app.services.progress.kept import progress_of
from app.services.schemes.loader import latest_schemes
from app.services.signoff import meetings as signoff
from app.services.supervision.waiting import waiting_by_enrolment
from app.web.commit import apply_service
from app.web.forms import choices
from app.web.progress_charts import supervision_by_month

from . import listing
from .forms import ChangeSupervisorForm, EnrolForm

bp = Blueprint("enrolments", __name__, url_prefix="/enrolments")


def _supervisor_choices(exclude: int | None = None) -> list[SelectChoice]:
    supervisors = db.session.execute(directory.supervisor_names())
    return choices((id_, name) for id_, name in supervisors if id_ != exclude)


def _stage_choices() -> list[SelectChoice]:
    return [
        option
        for scheme in latest_schemes()
        for option in choices(
            (
                (s.id, _("Stage %(n)s: %(title)s", n=s.number, title=read_text(s.title)))
                for s in scheme.stages
            ),
            group=read_text(scheme.label),
        )
    ]


@bp.get("")
@requires(Action.CREATE_ENROLMENT)
def index() -> str:
    """All enrolments, searchable by trainee or scheme, sortable."""
    filters = listing.filters_from_request()
    viewer = current_actor()
    page = paginate(
        filters.rows(viewer),
        True,
        per_page=current_app.config["PAGE_SIZE"],
        counted=filters.counted(viewer),
    )
    return render_template(
        "enrolments/index.html",
        page=page,
        rows=shown_rows(enrolment_row_link, listing.ROW_COLUMNS, page.items),
        filters=filters,
        columns=listing.ROW_COLUMNS,
    )


@bp.get("/export.csv")
@requires(Action.EXPORT_LISTS)
def export() -> Response:
    """The enrolment list as it is searched and sorted, every page, as a CSV file."""
    filters = listing.filters_from_request()
    actor = current_actor()
    audit.record(actor, "enrolments.exported", "list", None, after=request.args.to_dict())
    db.session.commit()
    name = f"enrolments-{local_today().isoformat()}.csv"
    return csv_download(name, listing.ROW_COLUMNS, filters.rows(actor), tuple_rows=True)


@bp.route("/new/<int:trainee_id>", methods=["GET", "POST"])
@requires(Action.CREATE_ENROLMENT)
def new(trainee_id: int) -> tuple[str, int] | Response:
    """Enrol a trainee on a scheme version with an own supervisor."""
    trainee = db.session.get(User, trainee_id) or abort(404)
    form = EnrolForm()
    form.first_stage.choices = _stage_choices()
    form.supervisor.choices = _supervisor_choices(exclude=trainee.id)
    if request.method == "GET":
        form.started_on.data = local_today()
    if form.validate_on_submit():
        stage = db.session.get(Stage, form.first_stage.data) or abort(404)
        supervisor = db.session.get(User, form.supervisor.data) or abort(404)
        enrolment = apply_service(
            form,
            lambda: enrolments.enrol(
                current_actor(),
                trainee,
                stage.scheme,
                form.started_on.data,
                stage,
                supervisor,
                local_today(),
            ),
        )
        if enrolment:
            flash(_("%(name)s is enrolled.", name=trainee.display_name), "success")
            return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    page = render_template("enrolments/new.html", form=form, trainee=trainee)
    return page, 422 if form.errors else 200


def _page(enrolment: Enrolment) -> str:
    progress = progress_of(enrolment, local_today())
    current = enrolment.current_stage
    meetings = signoff.meeting_rows_of_enrolment(enrolment)
    return render_template(
        "enrolments/show.html",
        enrolment=enrolment,
        progress=progress,
        waiting=waiting_by_enrolment([enrolment.id])[enrolment.id],
        meetings=meetings,
        open_meeting=signoff.open_meeting_among(meetings, current) if current else None,
        missing=signoff.missing_for_request(progress.current) if progress.current else [],
        certificates=certificate_list(enrolment),
        portfolio_documents=cache.documents_of(enrolment),
        supervision_chart=supervision_by_month(enrolment, progress, local_today()),
    )


@bp.get("/<int:enrolment_id>")
@requires(Action.VIEW_ENROLMENT)
def show(enrolment_id: int) -> str:
    """The enrolment: scheme revision, stages and own-supervisor history."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.VIEW_ENROLMENT, ONE_ENROLMENT)
    return _page(enrolment)


@bp.route("/<int:enrolment_id>/supervisor", methods=["GET", "POST"])
@requires(Action.CHANGE_SUPERVISOR)
def change_supervisor(enrolment_id: int) -> tuple[str, int] | Response:
    """Hand the trainee to another own supervisor from a date (a page of its own: the choice of
    every supervisor is not loaded with each view of the enrolment)."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.CHANGE_SUPERVISOR, ONE_ENROLMENT)
    form = ChangeSupervisorForm()
    form.supervisor.choices = _supervisor_choices(exclude=enrolment.trainee_id)
    if request.method == "GET":
        current = enrolment.current_assignment
        form.from_date.data = local_today()
        form.supervisor.data = current.supervisor_id if current else None
    if form.validate_on_submit():
        supervisor = db.session.get(User, form.supervisor.data) or abort(404)
        if apply_service(
            form,
            lambda: enrolments.change_supervisor(
                current_actor(),
                enrolment,
                supervisor,
                form.from_date.data,
                local_today(),
            ),
        ):
            flash(_("%(name)s is now the own supervisor.", name=supervisor.display_name), "success")
            return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    page = render_template("enrolments/supervisor.html", enrolment=enrolment, form=form)
    return page, 422 if form.errors else 200
