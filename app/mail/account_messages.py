"""The messages Attune sends about accounts, each with the link where the person acts."""

from flask import current_app
from flask_babel.speaklater import LazyString

from app.i18n import lazy_gettext as _l
from app.mail.links import external_url
from app.mail.sending import send_email
from app.models import User


def send_invitation(user: User, raw_token: str, inviter: User | None) -> bool:
    """Invite a person to choose their password."""
    return send_email(
        user.email,
        _l("You are invited to Attune"),
        "invitation",
        user.locale,
        user=user,
        inviter=inviter,
        link=external_url("auth.accept_invite", token=raw_token),
        hours=current_app.config["INVITE_VALID_HOURS"],
    )


def send_password_reset(user: User, raw_token: str) -> bool:
    """Send a password-reset link."""
    return send_email(
        user.email,
        _l("Reset your Attune password"),
        "password_reset",
        user.locale,
        user=user,
        link=external_url("auth.reset_password", token=raw_token),
        minutes=current_app.config["RESET_VALID_MINUTES"],
    )


def send_second_factor_notice(user: User, change: str | LazyString) -> bool:
    """Tell a person that their second factor changed or was used to recover (ASVS 2.5.5);
    `change` lazy (`_l`), so it is read in their language."""
    return send_email(
        user.email,
        _l("Your Attune sign-in was changed"),
        "second_factor_changed",
        user.locale,
        user=user,
        change=change,
        link=external_url("second_factor.security"),
    )
