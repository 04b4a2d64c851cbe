"""The end-of-stage workflow through the pages; every decision goes through one service call."""

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, load_or_404, requires
from app.extensions import db
from app.i18n import date_text, local_today
from app.i18n import gettext as _
from app.models import ConsentScope, Enrolment, Film, MeetingStatus, StageMeeting, User
from app.services.evidence import locks
from app.services.evidence.queries import films_of_stage
from app.services.people import directory
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings as signoff
from app.services.signoff import ratification
from app.web.commit import apply_or_flash, apply_service, flash_form_errors
from app.web.forms import Form, choices

from .forms import AssessorForm, ExceptionRequestForm, OutcomeForm, ReasonForm, StatementForm

bp = Blueprint("signoff", __name__)


@bp.app_context_processor
def embedded_forms() -> dict[str, object]:
    """The request-by-exception form, for pages of other features that offer it (the enrolment
    page), so they need not import this one."""
    return {"new_exception_form": lambda: ExceptionRequestForm(formdata=None)}


M = TypeVar("M")


def _actor() -> User:
    return current_actor()


def _done(message: str, meeting_id: int) -> Response:
    flash(message, "success")
    return redirect(url_for("signoff.show", meeting_id=meeting_id))


@bp.post("/enrolments/<int:enrolment_id>/meeting-request")
@requires(Action.REQUEST_MEETING)
def request_meeting(enrolment_id: int) -> Response:
    """Ask for the end-of-stage meeting (a coordinator may give a reason for an exception)."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.REQUEST_MEETING)
    form = ExceptionRequestForm()
    # A reason is only given for an exception; when one is given it is checked like any text.
    if form.reason.data and not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    reason = form.reason.data or ""
    progress = progress_for(enrolment, local_today())
    made: list[StageMeeting] = []
    if apply_or_flash(
        lambda: made.append(signoff.request_meeting(_actor(), enrolment, progress, reason))
    ):
        return _done(
            _("The meeting is requested; a coordinator will name the assessor."), made[0].id
        )
    return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))


def _chosen(model: type[M], object_id: int | None) -> M:
    """An object chosen from a validated form's options (404 if it went since)."""
    return db.session.get(model, object_id or 0) or abort(404)


def _assessor_choices(meeting: StageMeeting) -> list:
    today = local_today()
    return choices(
        (u.id, u.display_name)
        for u in db.session.scalars(directory.supervisors_query())
        if signoff.assessor_conflict(meeting, u, today) is None
    )


def _clip_choices(meeting: StageMeeting) -> list:
    films = films_of_stage(meeting.enrolment_stage)
    return choices(
        (f.id, f"{f.cycle.case.code} · {date_text(f.recorded_on)}")
        for f in films
        if f.consent.allows(ConsentScope.ASSESSOR)
    )


def _page(meeting: StageMeeting, status: int = 200, **forms: Form) -> tuple[str, int]:
    assessor = forms.get("assessor_form") or AssessorForm(formdata=None)
    assessor.assessor.choices = _assessor_choices(meeting)
    outcome = forms.get("outcome_form") or OutcomeForm(formdata=None, held_on=local_today())
    outcome.clips.choices = _clip_choices(meeting)
    page = render_template(
        "signoff/show.html",
        meeting=meeting,
        enrolment=meeting.enrolment_stage.enrolment,
        assessor_form=assessor,
        outcome_form=outcome,
        statement_form=forms.get("statement_form")
        or StatementForm(formdata=None, statement=meeting.supervisor_statement),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        digest_check=locks.check_digest(meeting) if meeting.digest else None,
    )
    return page, status


@bp.get("/meetings/<int:meeting_id>")
@requires(Action.VIEW_MEETING)
def show(meeting_id: int) -> tuple[str, int]:
    """A stage meeting: where it stands, and what each person may do next."""
    return _page(load_or_404(StageMeeting, meeting_id, Action.VIEW_MEETING))


def _decision(
    meeting: StageMeeting,
    form: Form,
    run: Callable[[], object],
    done: str,
    form_name: str,
) -> tuple[str, int] | Response:
    """Validate, apply one service call, and show the meeting again (422 with the refusal)."""
    if form.validate_on_submit() and apply_service(form, run):
        return _done(done, meeting.id)
    # A refusal of the meeting as it now stands (decided meanwhile by someone else, say) is
    # shown above it: its form may no longer be offered.
    for message in form.form_errors:
        flash(message, "error")
    form.form_errors = []
    db.session.refresh(meeting)
    return _page(meeting, 422, **{form_name: form})


@bp.post("/meetings/<int:meeting_id>/assessor")
@requires(Action.NAME_ASSESSOR)
def name_assessor(meeting_id: int) -> tuple[str, int] | Response:
    """A coordinator names the assessor (the four-eyes rule is checked)."""
    meeting = load_or_404(StageMeeting, meeting_id, Action.NAME_ASSESSOR)
    form = AssessorForm()
    form.assessor.choices = _assessor_choices(meeting)
    return _decision(
        meeting,
        form,
        # Loaded once the form is valid: only an offered id reaches the database.
        lambda: signoff.name_assessor(
            _actor(), meeting_id, _chosen(User, form.assessor.data), local_today()
        ),
        _("The assessor is named."),
        "assessor_form",
    )


@bp.post("/meetings/<int:meeting_id>/outcome")
@requires(Action.RECORD_OUTCOME)
def record_outcome(meeting_id: int) -> tuple[str, int] | Response:
    """The assessor records the meeting and its outcome."""
    meeting = load_or_404(StageMeeting, meeting_id, Action.RECORD_OUTCOME)
    form = OutcomeForm()
    form.clips.choices = _clip_choices(meeting)
    return _decision(
        meeting,
        form,
        lambda: decide.record_outcome(
            _actor(),
            meeting_id,
            MeetingStatus(form.outcome.data),
            form.held_on.data,
            form.minutes.data or 0,
            [_chosen(Film, i) for i in form.clips.data or []],
            form.documents_read.data or "",
            form.actions.data or "",
            form.new_target_on.data,
            local_today(),
        ),
        _("The outcome is recorded."),
        "outcome_form",
    )


@bp.post("/meetings/<int:meeting_id>/statement")
@requires(Action.WRITE_STATEMENT)
def statement(meeting_id: int) -> tuple[str, int] | Response:
    """The own supervisor writes their statement."""
    meeting = load_or_404(StageMeeting, meeting_id, Action.WRITE_STATEMENT)
    form = StatementForm()
    return _decision(
        meeting,
        form,
        lambda: decide.write_supervisor_statement(
            _actor(), meeting_id, form.statement.data or "", local_today()
        ),
        _("Your statement is saved."),
        "statement_form",
    )


@bp.post("/meetings/<int:meeting_id>/ratify")
@requires(Action.DECIDE_SIGNOFF)
def ratify(meeting_id: int) -> Response:
    """A coordinator ratifies a pass."""
    load_or_404(StageMeeting, meeting_id, Action.DECIDE_SIGNOFF)
    # A button with nothing to fill in: a refusal (a second click, a stale tab) is flashed
    # above the meeting as it now stands.
    if apply_or_flash(lambda: ratification.ratify(_actor(), meeting_id, local_today())):
        return _done(_("Ratified."), meeting_id)
    return redirect(url_for("signoff.show", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/send-back")
@requires(Action.DECIDE_SIGNOFF)
def send_back(meeting_id: int) -> tuple[str, int] | Response:
    """A coordinator sends a pass back to the assessor, with a reason."""
    meeting = load_or_404(StageMeeting, meeting_id, Action.DECIDE_SIGNOFF)
    form = ReasonForm()
    return _decision(
        meeting,
        form,
        lambda: ratification.send_back(_actor(), meeting_id, form.reason.data or ""),
        _("Sent back to the assessor."),
        "reason_form",
    )


@bp.post("/meetings/<int:meeting_id>/reopen")
@requires(Action.DECIDE_SIGNOFF)
def reopen(meeting_id: int) -> tuple[str, int] | Response:
    """A coordinator reopens a signed-off stage, with a reason."""
    meeting = load_or_404(StageMeeting, meeting_id, Action.DECIDE_SIGNOFF)
    form = ReasonForm()
    return _decision(
        meeting,
        form,
        lambda: ratification.reopen(_actor(), meeting_id, form.reason.data or ""),
        _("The stage is reopened; everyone involved has been told."),
        "reason_form",
    )
