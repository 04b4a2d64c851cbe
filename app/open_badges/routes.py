"""Certificates as Open Badges 3.0 credentials: the holder's download, and the public documents
the credential points at (itself, its issuer, its achievement and the revocation list)."""

import json

from flask import Blueprint, jsonify, make_response
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import load_or_404, public, requires
from app.extensions import limiter
from app.mail.links import external_url
from app.models import Certificate
from app.services.certificates import open_badges

bp = Blueprint("open_badges", __name__)


class _Urls:
    """Absolute addresses from BASE_URL, as `open_badges.Urls` needs them."""

    def credential(self, public_id: str) -> str:
        return external_url("open_badges.badge_credential", public_id=public_id)

    def issuer(self, issuer: str) -> str:
        return external_url("open_badges.badge_issuer", issuer=issuer)

    def revocations(self, issuer: str) -> str:
        return external_url("open_badges.badge_revocations", issuer=issuer)

    def achievement(self, issuer: str, achievement: str) -> str:
        return external_url("open_badges.badge_achievement", issuer=issuer, achievement=achievement)

    def verify(self, number: str) -> str:
        return external_url("certificates.verify", number=number)

    def home(self) -> str:
        return external_url("certificates.register")


URLS = _Urls()


def _not_found() -> tuple[Response, int]:
    return jsonify({"error": "not_found"}), 404


@bp.get("/certificates/<int:certificate_id>/badge.json")
@requires(Action.VIEW_EVIDENCE)
def badge(certificate_id: int) -> Response:
    """Download the certificate as an Open Badges 3.0 credential (JSON)."""
    certificate = load_or_404(Certificate, certificate_id, Action.VIEW_EVIDENCE)
    document = json.dumps(open_badges.credential(certificate, URLS), indent=2, ensure_ascii=False)
    response = make_response(document)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="attune-badge-{certificate.number}.json"'
    )
    return response


@bp.get("/open-badges/credentials/<public_id>")
@limiter.limit("60 per minute")
@public
def badge_credential(public_id: str) -> Response | tuple[Response, int]:
    """The credential its `id` names. A revoked one answers 410 without its contents: the
    revocation list publishes revoked ids, and must not lead anyone to the holders' names."""
    certificate = open_badges.find_by_public_id(public_id)
    if certificate is None:
        return _not_found()
    if certificate.revoked_at is not None:
        return jsonify({"error": "revoked"}), 410
    return jsonify(open_badges.credential(certificate, URLS))


@bp.get("/open-badges/issuers/<issuer>")
@public
def badge_issuer(issuer: str) -> Response | tuple[Response, int]:
    """The issuer's Open Badges Profile."""
    body = open_badges.body_for(issuer)
    if body is None:
        return _not_found()
    return jsonify(open_badges.standalone(open_badges.profile(body, URLS)))


@bp.get("/open-badges/issuers/<issuer>/revocations")
@public
def badge_revocations(issuer: str) -> Response | tuple[Response, int]:
    """The issuer's 1EdTech revocation list: revoked credentials' ids and reasons, no names."""
    body = open_badges.body_for(issuer)
    if body is None:
        return _not_found()
    response = jsonify(open_badges.revocation_list(body, URLS))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/open-badges/issuers/<issuer>/achievements/<achievement>")
@public
def badge_achievement(issuer: str, achievement: str) -> Response | tuple[Response, int]:
    """An achievement (a scheme version) the issuer awards, with its criteria."""
    certificate = open_badges.achievement_example(issuer, achievement)
    if certificate is None:
        return _not_found()
    return jsonify(open_badges.standalone(open_badges.achievement(certificate, URLS)))
