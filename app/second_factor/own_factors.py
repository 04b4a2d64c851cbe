"""A person's own second factors, on their security page: passkeys, an authenticator app and
recovery codes. Someone held to setting one up (second_factor_gate) can reach these alone."""

import segno
from flask import flash, redirect, render_template, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, requires
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.mail.account_messages import send_second_factor_notice
from app.models import User
from app.services.people import login_sessions
from app.services.second_factor import authenticator, passkeys, policy, recovery
from app.web.commit import apply_or_flash, apply_service
from app.web.signed_in import current_login

from .blueprint import bp
from .forms import CodeForm, ConfirmForm, PasskeyNameForm


def _no_store(page: str, status: int = 200) -> Response:
    response = Response(page, status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/security")
@requires(Action.MANAGE_OWN_SECOND_FACTORS)
def security() -> Response:
    """What the person signs in with, and how to add or remove it."""
    user = current_actor()
    login = current_login()
    page = render_template(
        "second_factor/security.html",
        factors=policy.factors_of(user),
        passkeys=passkeys.passkeys_of(user),
        required=policy.must_have(user),
        held=login is not None and login.awaiting_setup,
        setting_up=authenticator.pending_secret(user) is not None,
        name_form=PasskeyNameForm(formdata=None),
        button=ConfirmForm(formdata=None),
    )
    return _no_store(page)


@bp.post("/account/security/app/start")
@requires(Action.MANAGE_OWN_SECOND_FACTORS)
def app_start() -> Response:
    """Make a new secret for an authenticator app, then show it to scan."""
    if ConfirmForm().validate_on_submit():
        apply_or_flash(lambda: authenticator.begin(current_actor()))
    return redirect(url_for("second_factor.app_setup"))


def _qr(uri: str) -> Markup:
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#1b1b1b", light="#ffffff")
    return Markup(svg)


@bp.route("/account/security/app", methods=["GET", "POST"])
@requires(Action.MANAGE_OWN_SECOND_FACTORS)
def app_setup() -> Response:
    """Scan the QR code (or type the key), then confirm with the app's first code."""
    user = current_actor()
    secret = authenticator.pending_secret(user)
    if secret is None:
        return redirect(url_for("second_factor.security"))
    form = CodeForm()
    if form.validate_on_submit() and apply_service(form, lambda: _confirm(user, form)):
        send_second_factor_notice(user, _l("An authenticator app was added to your account."))
        flash(_("Your authenticator app is set up."), "success")
        return redirect(url_for("second_factor.security"))
    uri = authenticator.provisioning_uri(user, secret, "Attune")
    page = render_template(
        "second_factor/app_setup.html", form=form, qr=_qr(uri), secret=_grouped(secret)
    )
    return _no_store(page, 422 if form.errors else 200)


def _confirm(user: User, form: CodeForm) -> bool:
    authenticator.confirm(user, form.code.data or "")
    login_sessions.release(user)
    return True


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@bp.post("/account/security/app/remove")
@requires(Action.MANAGE_OWN_SECOND_FACTORS)
def app_remove() -> Response:
    """Stop using the authenticator app."""
    user = current_actor()

    def remove() -> None:
        authenticator.remove(user, user)
        policy.ensure_one_left(user, policy.factors_of(user))

    if ConfirmForm().validate_on_submit() and apply_or_flash(remove):
        send_second_factor_notice(user, _l("The authenticator app was removed from your account."))
        flash(_("The authenticator app is removed."), "success")
    return redirect(url_for("second_factor.security"))


@bp.post("/account/security/passkeys/<int:passkey_id>/remove")
@requires(Action.MANAGE_OWN_SECOND_FACTORS)
def passkey_remove(passkey_id: int) -> Response:
    """Remove one of the person's passkeys (another's: not found)."""
    user = current_actor()
    removed: list[str] = []

    def remove() -> None:
        removed.append(passkeys.remove(user, passkey_id, user).name)
        policy.ensure_one_left(user, policy.factors_of(user))

    if ConfirmForm().validate_on_submit() and apply_or_flash(remove):
        send_second_factor_notice(
            user, _l("The passkey “%(name)s” was removed from your account.", name=removed[0])
        )
        flash(_("The passkey “%(name)s” is removed.", name=removed[0]), "success")
    return redirect(url_for("second_factor.security"))


@bp.post("/account/security/recovery-codes")
@requires(Action.MANAGE_OWN_SECOND_FACTORS)
def recovery_codes() -> Response:
    """Make ten new recovery codes (the old ones stop working) and show them, once."""
    user = current_actor()
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("second_factor.security"))
    if not policy.has_factor(user):
        flash(_("Add a passkey or an authenticator app first."), "error")
        return redirect(url_for("second_factor.security"))
    codes = recovery.issue(user)
    db.session.commit()
    send_second_factor_notice(
        user, _l("New recovery codes were made for your account; the old ones no longer work.")
    )
    return _no_store(render_template("second_factor/recovery_codes.html", codes=codes))
