"""A person's own account: name, time zone and password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.authz import Action, requires
from app.extensions import db
from app.forms import show_violation
from app.i18n import gettext as _
from app.services import accounts, people
from app.services.errors import RuleViolation

from .forms import ChangePasswordForm, ProfileForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(profile: ProfileForm, password: ChangePasswordForm, status: int = 200) -> tuple[str, int]:
    return render_template("account/profile.html", profile=profile, password=password), status


@bp.route("", methods=["GET", "POST"])
@requires(Action.EDIT_OWN_ACCOUNT)
def profile() -> tuple[str, int] | Response:
    """See and change one's name and time zone."""
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        try:
            people.update_own_profile(user, form.display_name.data or "", form.timezone.data or "")
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    return _page(form, ChangePasswordForm(), 422 if form.errors else 200)


@bp.post("/password")
@requires(Action.EDIT_OWN_ACCOUNT)
def change_password() -> tuple[str, int] | Response:
    """Change one's password."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(
                user, form.current_password.data or "", form.password.data or ""
            )
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
        else:
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("account.profile"))
    return _page(ProfileForm(obj=user), form, 422)
