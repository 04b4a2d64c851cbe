"""The sign-in's second step: a code from the authenticator app or a recovery code (a passkey is
in passkey_ceremonies). Reached only after a right password in this browser."""

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.authz.web import public
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.i18n import lazy_ngettext
from app.mail.account_messages import send_second_factor_notice
from app.models import User
from app.services.second_factor import authenticator, passkeys, recovery
from app.web.known_devices import remember_device
from app.web.second_step import complete, waiting

from .blueprint import bp
from .forms import CodeForm
from .step_limits import step_limits


@bp.route("/login/second-step", methods=["GET", "POST"])
@step_limits
@public
def step() -> tuple[str, int] | Response:
    """Ask for the second factor of the person whose password was right."""
    user = waiting()
    if user is None:
        flash(_("Sign in again: the second step waits five minutes at most."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        code = form.code.data or ""
        outcome = authenticator.check(user, code)
        if outcome is authenticator.Check.ACCEPTED:
            return _signed_in(user)
        if outcome is authenticator.Check.REPLAYED:
            db.session.commit()
            send_second_factor_notice(
                user,
                _l(
                    "A code from your authenticator app was used a second time to sign in to "
                    "your account, and refused. If you did not just sign in, someone may know "
                    "your password."
                ),
            )
            form.code.errors.append(_("That code was used already. Wait for the next one."))
        elif recovery.use(user, code):
            left = recovery.remaining(user)
            response = _signed_in(user)
            send_second_factor_notice(
                user,
                lazy_ngettext(
                    "A recovery code was used to sign in to your account. %(num)s is left.",
                    "A recovery code was used to sign in to your account. %(num)s are left.",
                    left,
                ),
            )
            return response
        else:
            form.code.errors.append(_("That code does not match. Type the newest code."))
    page = render_template(
        "second_factor/step.html", form=form, has_passkey=bool(passkeys.passkeys_of(user))
    )
    return page, 422 if form.errors else 200


def _signed_in(user: User) -> Response:
    target = complete(user)
    db.session.commit()
    return remember_device(redirect(target), user.email)
