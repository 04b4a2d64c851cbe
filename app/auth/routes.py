"""Signing in and out, invitations and password resets."""

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.authz.web import public
from app.extensions import db, limiter
from app.i18n import gettext as _
from app.i18n import ngettext
from app.mail.account_messages import send_invitation, send_password_reset
from app.models import TokenPurpose
from app.services.people import accounts
from app.web.commit import apply_service
from app.web.known_devices import remember_device
from app.web.redirects import safe_next
from app.web.second_step import after_password
from app.web.signed_in import sign_out

from .forms import ChoosePasswordForm, ForgotPasswordForm, LoginForm
from .limits import sign_in_limits

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits
@public
def login() -> tuple[str, int] | Response:
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            target = safe_next(request.args.get("next")) or url_for("home.index")
            response, signed_in = after_password(user, target)
            db.session.commit()
            # The device is remembered once the person is in, second step included.
            return remember_device(response, user.email) if signed_in else response
        form.form_errors.append(_("That e-mail address and password do not match an account."))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@public
def logout() -> Response:
    """Sign out: the session ends on the server too, so a copy of the cookie is worthless."""
    sign_out()
    db.session.commit()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"], methods=["POST"])
@public
def forgot_password() -> tuple[str, int] | Response:
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        minutes = current_app.config["RESET_VALID_MINUTES"]
        found = accounts.request_password_reset(form.email.data or "", timedelta(minutes=minutes))
        db.session.commit()
        if found is not None:
            send_password_reset(*found)
        flash(
            ngettext(
                "If that address belongs to an account, a reset link is on its way. "
                "It works once, for %(num)s minute.",
                "If that address belongs to an account, a reset link is on its way. "
                "It works once, for %(num)s minutes.",
                minutes,
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


def _choose_password(raw: str, purpose: TokenPurpose, template: str) -> tuple[str, int] | Response:
    check = accounts.check_link(raw, purpose)
    if check.state is not accounts.LinkState.VALID:
        return render_template(
            "auth/link_problem.html", state=check.state.value, purpose=purpose.value, token=raw
        ), 410 if check.token else 404
    form = ChoosePasswordForm()
    user = form.validate_on_submit() and apply_service(
        form, lambda: accounts.use_link(raw, purpose, form.password.data or "")
    )
    if user:
        # A reset link proves the mailbox, not the second factor: that step still follows.
        response, signed_in = after_password(user, url_for("home.index"))
        db.session.commit()
        flash(_("Your password is set. Welcome to Attune."), "success")
        return remember_device(response, user.email) if signed_in else response
    page = render_template(template, form=form, user=check.token.user if check.token else None)
    return page, 422 if form.errors else 200


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def accept_invite(token: str) -> tuple[str, int] | Response:
    """An invited person chooses their password."""
    return _choose_password(token, TokenPurpose.INVITE, "auth/accept_invite.html")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> tuple[str, int] | Response:
    """Choose a new password through a reset link."""
    return _choose_password(token, TokenPurpose.RESET, "auth/reset_password.html")


@bp.post("/invite/<token>/renew")
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"])
@public
def renew_invite(token: str) -> Response:
    """Send a fresh invitation when an expired one is followed (the address is not shown)."""
    check = accounts.check_link(token, TokenPurpose.INVITE)
    if (
        check.state is accounts.LinkState.EXPIRED
        and check.token
        and not check.token.user.has_password
    ):
        hours = current_app.config["INVITE_VALID_HOURS"]
        user = check.token.user
        raw = accounts.issue_link(None, user, TokenPurpose.INVITE, timedelta(hours=hours))
        db.session.commit()
        send_invitation(user, raw, None)
        flash(_("A new invitation is on its way to your e-mail address."), "success")
    else:
        flash(_("This invitation cannot be renewed. Sign in, or ask for a password reset."), "info")
    return redirect(url_for("auth.login"))
