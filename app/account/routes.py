"""A person's own account: name, time zone, notification e-mails and password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, requires
from app.i18n import gettext as _
from app.i18n import in_locale, person_locale
from app.services.people import accounts, directory
from app.web.commit import apply_service
from app.web.signed_in import current_login

from .forms import ChangePasswordForm, ProfileForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(profile: ProfileForm, password: ChangePasswordForm) -> tuple[str, int]:
    status = 422 if profile.errors or password.errors else 200
    return render_template("account/profile.html", profile=profile, password=password), status


@bp.route("", methods=["GET", "POST"])
@requires(Action.EDIT_OWN_ACCOUNT)
def profile() -> tuple[str, int] | Response:
    """See and change one's name, time zone and how one is told about what waits."""
    user = current_actor()
    form = ProfileForm(obj=user)
    if form.validate_on_submit() and apply_service(
        form,
        lambda: directory.update_own_profile(
            user,
            form.display_name.data or "",
            form.timezone.data,
            form.notify_by.data,
            form.locale.data,
        ),
    ):
        with in_locale(person_locale(user.locale)):  # said in the language just chosen
            flash(_("Your profile is saved."), "success")
        return redirect(url_for("account.profile"))
    return _page(form, ChangePasswordForm(formdata=None))


@bp.post("/password")
@requires(Action.EDIT_OWN_ACCOUNT)
def change_password() -> tuple[str, int] | Response:
    """Change one's password; one's other sessions end, this one stays signed in."""
    user = current_actor()
    form = ChangePasswordForm()
    if form.validate_on_submit() and apply_service(
        form,
        lambda: accounts.change_own_password(
            user, form.current_password.data or "", form.password.data or "", current_login()
        ),
    ):
        flash(_("Your password is changed."), "success")
        return redirect(url_for("account.profile"))
    return _page(ProfileForm(formdata=None, obj=user), form)
