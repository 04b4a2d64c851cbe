"""Issuing certificates, and verifying them publicly without an account (nothing is recorded of
who checked)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, load_or_404, public, requires
from app.documents.certificate import certificate_pdf, worded
from app.extensions import db, limiter
from app.i18n import date_text, local_today
from app.i18n import gettext as _
from app.mail.links import external_url
from app.models import Certificate, Enrolment, RevocationScope
from app.services.certificates import issuing, renewals, verification
from app.web.commit import apply_or_flash, apply_service, flash_form_errors
from app.web.error_pages import render_error

from .forms import IssueForm, RevokeForm

bp = Blueprint("certificates", __name__)


@bp.app_context_processor
def embedded_forms() -> dict[str, object]:
    """The issue form, for pages of other features that offer it (the enrolment page), so they
    need not import this one."""
    return {"new_issue_form": lambda holder_name: IssueForm(formdata=None, holder_name=holder_name)}


@bp.post("/enrolments/<int:enrolment_id>/certificates")
@requires(Action.MANAGE_CERTIFICATES)
def issue(enrolment_id: int) -> Response | tuple[str, int]:
    """A coordinator issues the certificate of an accredited enrolment."""
    enrolment = load_or_404(Enrolment, enrolment_id, Action.MANAGE_CERTIFICATES)
    form = IssueForm()
    made = form.validate_on_submit() and apply_service(
        form,
        lambda: issuing.issue(
            current_actor(),
            enrolment,
            form.holder_name.data or "",
            bool(form.listed.data),
        ),
    )
    if made:
        flash(_("Certificate %(number)s is issued.", number=made.number), "success")
        return redirect(url_for("certificates.show", certificate_id=made.id))
    flash_form_errors(form)
    return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))


def _show_page(certificate: Certificate, revoke_form: RevokeForm | None = None) -> str:
    """The certificate page; a refused revocation is shown again with what was typed."""
    return render_template(
        "certificates/show.html",
        certificate=certificate,
        record=worded(verification.public_fields(certificate, local_today())),
        revoke_form=revoke_form or RevokeForm(formdata=None),
        reissue_form=IssueForm(formdata=None, holder_name=certificate.holder_name),
        renewal=renewals.renewal_progress(certificate, local_today()),
    )


@bp.get("/certificates/<int:certificate_id>")
@requires(Action.VIEW_EVIDENCE)
def show(certificate_id: int) -> str:
    """The certificate as issued, its status, and (for coordinators) revoke and re-issue."""
    certificate = load_or_404(Certificate, certificate_id, Action.VIEW_EVIDENCE)
    return _show_page(certificate)


@bp.post("/certificates/<int:certificate_id>/renew")
@requires(Action.MANAGE_CERTIFICATES)
def renew(certificate_id: int) -> Response:
    """Renew on the evidence of the renewal period; refusals say what is missing."""
    certificate = load_or_404(Certificate, certificate_id, Action.MANAGE_CERTIFICATES)
    actor = current_actor()
    if apply_or_flash(lambda: renewals.renew(actor, certificate, local_today())):
        renewed = certificate.superseded_by
        assert renewed is not None
        flash(
            _(
                "Certificate %(number)s renews %(old)s until %(date)s.",
                number=renewed.number,
                old=certificate.number,
                date=date_text(renewed.expires_on),
            ),
            "success",
        )
        return redirect(url_for("certificates.show", certificate_id=renewed.id))
    return redirect(url_for("certificates.show", certificate_id=certificate.id))


@bp.post("/certificates/<int:certificate_id>/revoke")
@requires(Action.MANAGE_CERTIFICATES)
def revoke(certificate_id: int) -> Response | tuple[str, int]:
    """Revoke with a reason, saying whether the accreditation itself is withdrawn."""
    certificate = load_or_404(Certificate, certificate_id, Action.MANAGE_CERTIFICATES)
    form = RevokeForm()
    if form.validate_on_submit() and apply_service(
        form,
        lambda: issuing.revoke(
            current_actor(),
            certificate,
            form.reason.data or "",
            RevocationScope(form.scope.data),
        ),
    ):
        if certificate.revocation_scope is RevocationScope.ACCREDITATION:
            flash(_("The accreditation is withdrawn; its holder has been told."), "warning")
        else:
            flash(
                _("The certificate is revoked; a new one is due. Its holder has been told."),
                "warning",
            )
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    return _show_page(certificate, form), 422


@bp.post("/certificates/<int:certificate_id>/reissue")
@requires(Action.MANAGE_CERTIFICATES)
def reissue(certificate_id: int) -> Response:
    """Issue a replacement under a new name; the old one says it is superseded."""
    certificate = load_or_404(Certificate, certificate_id, Action.MANAGE_CERTIFICATES)
    form = IssueForm()
    made = form.validate_on_submit() and apply_service(
        form,
        lambda: issuing.reissue(current_actor(), certificate, form.holder_name.data or ""),
    )
    if made:
        flash(
            _(
                "Certificate %(number)s replaces %(old)s.",
                number=made.number,
                old=certificate.number,
            ),
            "success",
        )
        return redirect(url_for("certificates.show", certificate_id=made.id))
    flash_form_errors(form)
    return redirect(url_for("certificates.show", certificate_id=certificate.id))


@bp.get("/certificates/<int:certificate_id>/pdf")
@requires(Action.VIEW_EVIDENCE)
def pdf(certificate_id: int) -> Response:
    """The certificate as a PDF (A4 landscape, QR code and printed verification address)."""
    certificate = load_or_404(Certificate, certificate_id, Action.VIEW_EVIDENCE)
    verify_url = external_url("certificates.verify", number=certificate.number)
    document = certificate_pdf(certificate, verify_url, local_today())
    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="attune-certificate-{certificate.number}.pdf"'
    )
    return response


def _found(number: str) -> Certificate:
    certificate = verification.find_by_number(number)
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/verify/<number>")
@limiter.limit("60 per minute")
@public
def verify(number: str) -> tuple[str, int] | str:
    """Public verification: every printed field and the status today."""
    if number.endswith(".json"):
        return verify_json(number.removesuffix(".json"))  # type: ignore[return-value]
    certificate = verification.find_by_number(number)
    if certificate is None:
        return render_error(
            404,
            _(
                "No certificate has the number %(number)s. Check it against "
                "the printed certificate.",
                number=number[:20],
            ),
        )
    record = worded(verification.public_fields(certificate, local_today()))
    return render_template("certificates/verify.html", record=record)


def verify_json(number: str) -> tuple[Response, int] | Response:
    """The same as JSON, for employers' systems."""
    certificate = verification.find_by_number(number)
    if certificate is None:
        return jsonify({"error": "not_found", "number": number[:20]}), 404
    return jsonify(verification.public_record(certificate, local_today()))


@bp.get("/register")
@public
def register() -> str:
    """The opt-in public register of accredited practitioners, searchable by name."""
    search = request.args.get("q", "")[:100]
    page = db.paginate(
        verification.register_query(search),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "certificates/register.html", page=page, search=search, today=local_today()
    )
