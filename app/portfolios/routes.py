"""Asking for an enrolment's portfolio, following its preparation and downloading it."""

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from app import jobs
from app.authz.actions import Action
from app.authz.web import current_actor, load_or_404, requires
from app.errors import RuleViolation
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import local_today
from app.models import Enrolment, PortfolioDocument, PortfolioStatus
from app.services import audit
from app.services.portfolio import cache
from app.web.commit import refusal_text

from .build import build_portfolio

bp = Blueprint("portfolios", __name__)


@bp.post("/enrolments/<int:enrolment_id>/portfolio")
@requires(Action.GENERATE_PORTFOLIO)
def generate(enrolment_id: int) -> Response:
    """Ask for the portfolio: the stored file if nothing changed, otherwise one is prepared."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.GENERATE_PORTFOLIO)
    actor = current_actor()
    language = request.form.get("language") or actor.locale
    try:
        document, needs_job = cache.request_portfolio(actor, enrolment, local_today(), language)
    except RuleViolation as error:
        db.session.rollback()
        flash(refusal_text(error), "error")
        return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    db.session.commit()
    if needs_job:
        jobs.enqueue(build_portfolio, document.id)
    return redirect(url_for("portfolios.show", document_id=document.id))


@bp.get("/portfolios/<int:document_id>")
@requires(Action.GENERATE_PORTFOLIO)
def show(document_id: int) -> str:
    """Being prepared (the page refreshes itself), ready to download, or failed."""
    document = load_or_404(PortfolioDocument, document_id, Action.GENERATE_PORTFOLIO)
    return render_template("portfolios/show.html", document=document)


@bp.get("/portfolios/<int:document_id>/pdf")
@requires(Action.GENERATE_PORTFOLIO)
def download(document_id: int) -> Response:
    """The PDF, once ready; each download is audited."""
    document = load_or_404(PortfolioDocument, document_id, Action.GENERATE_PORTFOLIO)
    if document.status is not PortfolioStatus.READY or document.pdf is None:
        flash(_("This portfolio is not ready to download."), "info")
        return redirect(url_for("portfolios.show", document_id=document.id))
    audit.record(current_actor(), "portfolio.downloaded", "portfolio", document.id)
    db.session.commit()
    enrolment = document.enrolment
    name = f"portfolio-{enrolment.trainee.display_name}-{document.requested_at:%Y-%m-%d}.pdf"
    return send_file(
        io.BytesIO(document.pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name.replace(" ", "-"),
        max_age=0,
    )
