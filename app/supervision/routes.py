"""Supervision sessions: the trainee logs them, their supervisor confirms, returns and comments."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.rules import can
from app.authz.web import current_actor, load_or_404, requires
from app.i18n import gettext as _
from app.i18n import local_today, ngettext
from app.lists.urls import paginate
from app.models import Cycle, Enrolment, SessionStatus, SupervisionSession, User
from app.services.people.enrolment_queries import TABS
from app.services.supervision import queries
from app.services.supervision import sessions as supervision
from app.services.supervision.sessions import SessionDetails, SupervisorNotes
from app.web.commit import apply_or_flash, apply_service, flash_form_errors
from app.web.evidence_labels import FILM_KIND_NAMES
from app.web.forms import Form, choices
from app.web.request_guard import LARGEST_NUMBER

from .forms import ConfirmSessionsForm, DecisionForm, NotesForm, SessionForm

bp = Blueprint("supervision", __name__)


def duration(minutes: int) -> str:
    """Minutes as hours and minutes: 90 → "1 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)s h %(m)s min", h=hours, m=rest)
    return _("%(h)s h", h=hours) if hours else _("%(m)s min", m=rest)


def _supervisors(enrolment: Enrolment) -> dict[int, User]:
    """The enrolment's own supervisors, past and present, in order of their assignments."""
    return {a.supervisor_id: a.supervisor for a in enrolment.assignments}


def _session_form(
    enrolment: Enrolment, cycles: list[Cycle], session: SupervisionSession | None
) -> SessionForm:
    """The session form with the enrolment's choices; it starts from `session` when given."""
    initial: dict[str, object] = {"held_on": local_today()}
    if session is not None:
        initial = {
            name: getattr(session, name)
            for name in (
                "held_on",
                "minutes",
                "group",
                "online",
                "filmed",
                "reflection_before",
                "reflection_after",
                "next_steps",
            )
        }
        initial |= {
            "supervisor": session.supervisor_id,
            "cycles": [c.id for c in session.cycles],
            "films": [f.id for f in session.films],
        }
    elif enrolment.current_assignment is not None:
        initial["supervisor"] = enrolment.current_assignment.supervisor_id
    form = SessionForm(data=initial)
    form.supervisor.choices = choices(
        (user_id, user.display_name) for user_id, user in _supervisors(enrolment).items()
    )
    form.cycles.choices = choices(
        (c.id, _("%(case)s, filmed %(date)s", case=c.case.title, date=format_date(c.filmed_on)))
        for c in cycles
    )
    form.films.choices = choices(
        (
            f.id,
            _(
                "%(case)s: %(kind)s of %(date)s",
                case=c.case.title,
                kind=FILM_KIND_NAMES[f.kind.value],
                date=format_date(f.recorded_on),
            ),
        )
        for c in cycles
        for f in c.films
    )
    return form


def _save(
    form: SessionForm,
    enrolment: Enrolment,
    cycles: list[Cycle],
    session: SupervisionSession | None,
) -> SupervisionSession | None:
    """Hand the form to the service; None (with the refusal shown) when it says no."""
    films = {f.id: f for c in cycles for f in c.films}
    by_id = {c.id: c for c in cycles}
    details = SessionDetails(
        supervisor=_supervisors(enrolment)[form.supervisor.data],
        held_on=form.held_on.data,
        minutes=form.minutes.data,
        group=form.group.data,
        online=form.online.data,
        filmed=form.filmed.data,
        reflection_before=form.reflection_before.data or "",
        reflection_after=form.reflection_after.data or "",
        next_steps=form.next_steps.data or "",
        cycles=tuple(by_id[i] for i in form.cycles.data or []),
        films=tuple(films[i] for i in form.films.data or []),
        # Moments are marked on the film pages; changing a session keeps those it had.
        moments=tuple(session.moments) if session is not None else (),
    )
    actor = current_actor()
    return apply_service(
        form, lambda: supervision.save_session(actor, enrolment, details, local_today(), session)
    )


@bp.get("/enrolments/<int:enrolment_id>/sessions")
@requires(Action.VIEW_EVIDENCE)
def index(enrolment_id: int) -> str:
    """The enrolment's sessions, newest first, with the confirmed total."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.VIEW_EVIDENCE, TABS)
    rows, ids = queries.session_rows(enrolment)
    page = paginate(rows, tuple_rows=True, per_page=current_app.config["PAGE_SIZE"], counted=ids)
    return render_template(
        "supervision/index.html",
        enrolment=enrolment,
        page=page,
        confirmed=queries.confirmed_minutes(enrolment),
        duration=duration,
    )


@bp.route("/enrolments/<int:enrolment_id>/sessions/new", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def new(enrolment_id: int) -> tuple[str, int] | Response:
    """Log a supervision session for the supervisor to confirm."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.RECORD_EVIDENCE, TABS)
    cycles = queries.reviewable_cycles(enrolment)
    form = _session_form(enrolment, cycles, None)
    if form.validate_on_submit() and not form.needs_rephrasing():
        session = _save(form, enrolment, cycles, None)
        if session:
            flash(_("Session logged. Your supervisor will confirm it."), "success")
            return redirect(url_for("supervision.show", session_id=session.id))
    status = 422 if form.errors or form.has_warnings() else 200
    page = render_template(
        "supervision/form.html", form=form, enrolment=enrolment, supervision_session=None
    )
    return page, status


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def edit(session_id: int) -> tuple[str, int] | Response:
    """Change a logged or returned session; it then waits for confirmation again."""
    session = load_or_404(SupervisionSession, session_id, Action.RECORD_EVIDENCE)
    if request.method == "GET" and session.status is SessionStatus.CONFIRMED:
        flash(_("A confirmed session cannot be changed."), "warning")
        return redirect(url_for("supervision.show", session_id=session.id))
    enrolment = session.enrolment
    cycles = queries.reviewable_cycles(enrolment)
    form = _session_form(enrolment, cycles, session)
    if (
        form.validate_on_submit()
        and not form.needs_rephrasing()
        and _save(form, enrolment, cycles, session)
    ):
        flash(_("Saved. Your supervisor will confirm the session."), "success")
        return redirect(url_for("supervision.show", session_id=session.id))
    status = 422 if form.errors or form.has_warnings() else 200
    page = render_template(
        "supervision/form.html", form=form, enrolment=enrolment, supervision_session=session
    )
    return page, status


def _show_page(session_id: int, **forms: Form) -> str:
    """The session page; forms not being re-shown start from the saved values."""
    session = queries.session_for_page(session_id) or abort(404)
    notes = {"reflection": session.supervisor_reflection, "feedback": session.supervisor_feedback}
    forms.setdefault("decision_form", DecisionForm(formdata=None, data=notes))
    forms.setdefault("notes_form", NotesForm(formdata=None, data=notes))
    user = current_actor()
    return render_template(
        "supervision/show.html",
        supervision_session=session,
        enrolment=session.enrolment,
        duration=duration,
        may_edit=can(user, Action.RECORD_EVIDENCE, session)
        and session.status is not SessionStatus.CONFIRMED,
        **forms,
    )


@bp.get("/sessions/<int:session_id>")
@requires(Action.VIEW_EVIDENCE)
def show(session_id: int) -> str:
    """Everything about a session, with the supervisor's decision and notes forms."""
    session = load_or_404(SupervisionSession, session_id, Action.VIEW_EVIDENCE)
    return _show_page(session.id)


@bp.post("/sessions/<int:session_id>/decide")
@requires(Action.DECIDE_SESSION)
def decide(session_id: int) -> tuple[str, int] | Response:
    """The supervisor confirms or returns the session, saving their notes in the same step."""
    # The session's supervisor gets an answer even when it was decided meanwhile (another tab, a
    # second press): the service's refusal says so, and what they typed is kept.
    session = load_or_404(SupervisionSession, session_id, Action.WRITE_SESSION_NOTES)
    form = DecisionForm()
    actor = current_actor()
    notes = SupervisorNotes(form.reflection.data or "", form.feedback.data or "")
    if form.validate_on_submit():
        if form.confirm.data:
            done = apply_service(form, lambda: supervision.confirm_session(actor, session, notes))
            message = _("Session confirmed.")
        else:
            reason = form.reason.data or ""
            done = apply_service(
                form, lambda: supervision.return_session(actor, session, reason, notes)
            )
            message = _("The session went back to the trainee.")
        if done:
            flash(message, "success")
            return redirect(url_for("supervision.show", session_id=session_id))
    # Decided meanwhile (a second tab, say)? The notes form then keeps what was typed.
    typed = {"reflection": notes.reflection, "feedback": notes.feedback}
    notes_form = NotesForm(formdata=None, data=typed)
    return _show_page(session_id, decision_form=form, notes_form=notes_form), 422


@bp.post("/sessions/confirm")
@requires(Action.DECIDE_SESSION)
def confirm_chosen() -> Response:
    """The supervisor confirms the sessions chosen on their home page, all in one step."""
    actor = current_actor()
    # Any of their own sessions may be posted (one decided meanwhile is refused by the service
    # with a clear message); someone else's is not a valid choice.
    posted = [n for n in request.form.getlist("sessions", type=int) if 0 < n <= LARGEST_NUMBER]
    mine = queries.supervised_sessions(actor, posted)
    form = ConfirmSessionsForm()
    form.sessions.choices = [(s.id, str(s.id)) for s in mine]
    if form.validate_on_submit():
        chosen = [s for s in mine if s.id in form.sessions.data]
        done = apply_service(form, lambda: supervision.confirm_sessions(actor, chosen))
        if done:
            flash(
                ngettext("%(num)s session confirmed.", "%(num)s sessions confirmed.", len(done)),
                "success",
            )
            return redirect(url_for("home.index"))
    flash_form_errors(form)
    return redirect(url_for("home.index"))


@bp.post("/sessions/<int:session_id>/notes")
@requires(Action.WRITE_SESSION_NOTES)
def notes(session_id: int) -> tuple[str, int] | Response:
    """The supervisor's own reflection and feedback on the session."""
    session = load_or_404(SupervisionSession, session_id, Action.WRITE_SESSION_NOTES)
    form = NotesForm()
    actor = current_actor()
    if form.validate_on_submit() and apply_service(
        form,
        lambda: supervision.write_supervisor_notes(
            actor, session, form.reflection.data or "", form.feedback.data or ""
        ),
    ):
        flash(_("Your notes are saved."), "success")
        return redirect(url_for("supervision.show", session_id=session_id))
    return _show_page(session_id, notes_form=form), 422


@bp.post("/sessions/<int:session_id>/delete")
@requires(Action.RECORD_EVIDENCE)
def delete(session_id: int) -> Response:
    """Delete a session the supervisor has not confirmed."""
    session = load_or_404(SupervisionSession, session_id, Action.RECORD_EVIDENCE)
    enrolment_id = session.enrolment_id
    actor = current_actor()
    if apply_or_flash(lambda: supervision.delete_session(actor, session)):
        flash(_("Session deleted."), "success")
        return redirect(url_for("supervision.index", enrolment_id=enrolment_id))
    return redirect(url_for("supervision.show", session_id=session_id))
