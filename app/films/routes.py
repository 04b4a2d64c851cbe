"""Films of a cycle, their time-coded moments and (optionally) an uploaded short clip."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.authz.actions import Action
from app.authz.web import can_current, current_actor, load_or_404, requires
from app.extensions import csrf, db
from app.i18n import date_text, local_today
from app.i18n import gettext as _
from app.models import Consent, Cycle, Element, Film, FilmKind, Moment, Principle
from app.models.scheme_text import read_text
from app.services.evidence import clips, films, moment_replies, queries, removals
from app.services.schemes import catalogue
from app.storage import TamperedClip, clip_storage
from app.web.clip_response import clip_response
from app.web.commit import apply_or_flash, apply_service
from app.web.forms import choices
from app.web.streamed_form import read_streamed_form

from .clip_upload import ClipReceiver, Uploaded, kept
from .forms import ClipForm, FilmForm, MomentForm, MomentReplyForm

bp = Blueprint("films", __name__)


def _consent_choices(cycle: Cycle) -> list[SelectChoice]:
    return choices(
        (c.id, f"{c.given_by_role}, {date_text(c.given_on)}")
        for c in cycle.case.consents
        if c.withdrawn_on is None
    )


def _save_film(form: FilmForm, cycle: Cycle, film: Film | None) -> Film | None:
    consent = db.session.get(Consent, form.consent.data) or abort(404)
    return apply_service(
        form,
        lambda: films.save_film(
            current_actor(),
            cycle,
            FilmKind(form.kind.data),
            form.recorded_on.data,
            (form.length.data or 0) // 1000,
            form.kept_at.data or "",
            consent,
            local_today(),
            film,
        ),
    )


def _film_form_page(form: FilmForm, cycle: Cycle, film: Film | None) -> tuple[str, int]:
    page = render_template("films/form.html", form=form, cycle=cycle, film=film)
    return page, 422 if form.errors else 200


@bp.route("/cycles/<int:cycle_id>/films/new", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def new(cycle_id: int) -> tuple[str, int] | Response:
    """Record a film of a cycle."""
    cycle = load_or_404(Cycle, cycle_id, Action.RECORD_EVIDENCE)
    form = FilmForm()
    form.consent.choices = _consent_choices(cycle)
    if request.method == "GET":
        form.recorded_on.data = cycle.filmed_on
    if not form.consent.choices:
        flash(_("Record the client's consent before adding films."), "warning")
        return redirect(url_for("cases.show", case_id=cycle.case_id))
    film = form.validate_on_submit() and _save_film(form, cycle, None)
    if film:
        flash(_("Film recorded. Mark its moments below."), "success")
        return redirect(url_for("films.show", film_id=film.id))
    return _film_form_page(form, cycle, None)


@bp.route("/films/<int:film_id>/edit", methods=["GET", "POST"])
@requires(Action.RECORD_EVIDENCE)
def edit(film_id: int) -> tuple[str, int] | Response:
    """Change a film's metadata."""
    film = load_or_404(Film, film_id, Action.RECORD_EVIDENCE)
    form = FilmForm(obj=film, data={"length": film.length_seconds * 1000})
    form.consent.choices = _consent_choices(film.cycle) or choices(
        [(film.consent_id, film.consent.given_by_role)]
    )
    if request.method == "GET":
        form.consent.data = film.consent_id
    if form.validate_on_submit() and _save_film(form, film.cycle, film):
        flash(_("Saved."), "success")
        return redirect(url_for("films.show", film_id=film.id))
    return _film_form_page(form, film.cycle, film)


def _moment_form(film: Film, formdata: bool = True) -> MomentForm | None:
    """The form for marking moments, with the enrolment's framework; None if not allowed."""
    if not can_current(Action.ADD_MOMENT, film):
        return None
    form = MomentForm() if formdata else MomentForm(formdata=None)
    outline = catalogue.framework_outline(film.cycle.case.enrolment.scheme.framework_id)
    form.principle.choices = choices((p.id, f"{p.number}. {read_text(p.name)}") for p in outline)
    # Each element names its principle, so static/moments.js can offer only the chosen
    # principle's elements; the service still refuses an element of another principle.
    form.element.choices = choices([(0, _("— none —"))]) + [
        SelectChoice(
            element_id,
            read_text(text),
            render_kw={"data-principle": p.id},
            optgroup=read_text(p.name),
        )
        for p in outline
        for element_id, text in p.elements
    ]
    return form


def _reloaded(film_id: int) -> Film:
    """The film again with what its page shows, after a refused change (404 if it went)."""
    return queries.film_with_moments(film_id) or abort(404)


def _show_page(
    film: Film,
    moment_form: MomentForm | None = None,
    clip_form: ClipForm | None = None,
    status: int = 200,
    reply: tuple[int, MomentReplyForm] | None = None,
) -> tuple[str, int]:
    if moment_form is None:
        moment_form = _moment_form(film, formdata=False)
    if clip_form is None and can_current(Action.RECORD_EVIDENCE, film):
        clip_form = ClipForm(formdata=None)
    # A refused reply is shown again beside its moment, with what was typed.
    reply_to, reply_form = reply or (None, MomentReplyForm(formdata=None))
    page = render_template(
        "films/show.html",
        film=film,
        moment_form=moment_form,
        clip_form=clip_form,
        may_view_clip=film.has_clip and can_current(Action.VIEW_CLIP, film),
        max_mb=current_app.config["CLIP_MAX_BYTES"] // (1024 * 1024),
        reply_to=reply_to,
        reply_form=reply_form,
    )
    return page, status


@bp.get("/films/<int:film_id>")
@requires(Action.VIEW_EVIDENCE)
def show(film_id: int) -> tuple[str, int]:
    """A film: its details, its moments in time order and, when allowed, its clip."""
    return _show_page(load_or_404(Film, film_id, Action.VIEW_EVIDENCE, queries.FILM_PAGE))


@bp.post("/films/<int:film_id>/moments")
@requires(Action.ADD_MOMENT)
def add_moment(film_id: int) -> tuple[str, int] | Response:
    """Mark a moment on a film."""
    film = load_or_404(Film, film_id, Action.ADD_MOMENT)
    form = _moment_form(film)
    assert form is not None
    if form.validate_on_submit():
        principle = db.session.get(Principle, form.principle.data) or abort(404)
        element = db.session.get(Element, form.element.data) if form.element.data else None
        if apply_service(
            form,
            lambda: films.add_moment(
                current_actor(),
                film,
                form.start.data or 0,
                form.end.data or 0,
                principle,
                element,
                form.note.data or "",
            ),
        ):
            flash(_("Moment marked."), "success")
            return redirect(url_for("films.show", film_id=film.id))
    return _show_page(_reloaded(film.id), moment_form=form, status=422)


@bp.post("/moments/<int:moment_id>/replies")
@requires(Action.REPLY_TO_MOMENT)
def reply(moment_id: int) -> tuple[str, int] | Response:
    """Reply on a moment's thread (the trainee and their own supervisor)."""
    moment = load_or_404(Moment, moment_id, Action.REPLY_TO_MOMENT)
    form = MomentReplyForm()
    if form.validate_on_submit():
        text = form.text.data or ""
        if apply_service(
            form, lambda: moment_replies.reply_to_moment(current_actor(), moment, text)
        ):
            flash(_("Reply added."), "success")
            return redirect(
                url_for("films.show", film_id=moment.film_id, _anchor=f"moment-{moment.id}")
            )
    return _show_page(_reloaded(moment.film_id), status=422, reply=(moment.id, form))


@bp.post("/moments/<int:moment_id>/delete")
@requires(Action.DELETE_MOMENT)
def delete_moment(moment_id: int) -> Response:
    """Remove a moment (its author or the trainee)."""
    moment = load_or_404(Moment, moment_id, Action.DELETE_MOMENT)
    film_id = moment.film_id
    if apply_or_flash(lambda: films.delete_moment(current_actor(), moment)):
        flash(_("Moment removed."), "success")
    return redirect(url_for("films.show", film_id=film_id))


@bp.post("/films/<int:film_id>/clip")
@csrf.exempt  # the form checks its CSRF token itself, once the body has been read
@requires(Action.RECORD_EVIDENCE)
def upload_clip(film_id: int) -> tuple[str, int] | Response:
    """Upload a short clip: checked by its first bytes, then sealed into storage as it arrives
    (never spooled whole), size-limited (413 by its length, a refusal past the limit)."""
    film = load_or_404(Film, film_id, Action.RECORD_EVIDENCE)
    settings = current_app.config
    request.max_content_length = settings["CLIP_MAX_BYTES"] + 64 * 1024  # the envelope
    storage = clip_storage()
    with ClipReceiver(storage, settings["CLIP_MAX_BYTES"], settings["CLIP_TYPES"]) as receiver:
        fields = read_streamed_form(request.stream, request.content_type or "", "clip", receiver)
        form = ClipForm(formdata=receiver.formdata(fields))
        uploaded = form.validate_on_submit() and apply_service(
            form, lambda: kept(receiver, film, storage)
        )
        if isinstance(uploaded, Uploaded):
            receiver.keep()
    if isinstance(uploaded, Uploaded):
        if uploaded.replaced is not None:
            storage.discard(uploaded.replaced)
        flash(_("Clip uploaded."), "success")
        return redirect(url_for("films.show", film_id=film.id))
    return _show_page(_reloaded(film.id), clip_form=form, status=422)


@bp.get("/films/<int:film_id>/clip")
@requires(Action.VIEW_CLIP)
def clip(film_id: int) -> Response:
    """Serve the clip with range requests; each viewing (not each range request) is audited."""
    film = load_or_404(Film, film_id, Action.VIEW_EVIDENCE)
    # Outside the consent's scopes a clip answers as if it did not exist.
    if not film.has_clip or film.clip_key is None or not can_current(Action.VIEW_CLIP, film):
        abort(404)
    # Opened first: a store or key this server lacks answers 503 before any viewing is audited.
    reader = clip_storage().open(clips.stored(film))
    # Every delivery of the bytes is covered by a viewing in the audit log, however ranged.
    byte_range = request.headers.get("Range", "")
    if request.method == "GET" and clips.record_view(current_actor(), film, byte_range):
        db.session.commit()
    try:
        return clip_response(
            reader,
            film.clip_content_type or "application/octet-stream",
            film.clip_key,  # a new upload is a new key
            film.clip_uploaded_at,
        )
    except TamperedClip:
        current_app.logger.error("clip of film %s fails its integrity check", film.id)
        abort(502)


@bp.post("/films/<int:film_id>/clip/delete")
@requires(Action.RECORD_EVIDENCE)
def delete_clip(film_id: int) -> Response:
    """Delete an uploaded clip; the film's record and moments stay."""
    film = load_or_404(Film, film_id, Action.RECORD_EVIDENCE)
    if film.has_clip:
        clips.remove_clip(current_actor(), film, clip_storage())
        db.session.commit()
        flash(_("Clip deleted."), "success")
    return redirect(url_for("films.show", film_id=film.id))


@bp.post("/films/<int:film_id>/delete")
@requires(Action.RECORD_EVIDENCE)
def delete(film_id: int) -> Response:
    """Delete a film with its moments and clip (not one a confirmed session reviewed)."""
    film = load_or_404(Film, film_id, Action.RECORD_EVIDENCE)
    case_id = film.cycle.case_id
    actor = current_actor()
    if apply_or_flash(lambda: removals.delete_film(actor, film, clip_storage())):
        flash(_("Film deleted."), "success")
        return redirect(url_for("cases.show", case_id=case_id))
    return redirect(url_for("films.show", film_id=film_id))
