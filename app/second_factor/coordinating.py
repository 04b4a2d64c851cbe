"""Coordinators: which roles must have a second factor, and resetting someone's when they lost
it (for a recorded reason; audited; the person is told by e-mail and signed out everywhere)."""

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import can_current, current_actor, requires
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.mail.account_messages import send_second_factor_notice
from app.models import Role, User
from app.services.second_factor import policy
from app.web.commit import apply_service

from .blueprint import bp
from .forms import PolicyForm, ResetForm


@bp.route("/people/second-factor-policy", methods=["GET", "POST"])
@requires(Action.SET_SECOND_FACTOR_POLICY)
def policy_page() -> tuple[str, int] | Response:
    """Choose the roles whose holders must have a second factor."""
    form = PolicyForm()
    if form.validate_on_submit():
        actor = current_actor()

        def save() -> bool:
            changed = [
                policy.set_required(actor, role, bool(getattr(form, role.value).data))
                for role in Role
            ]
            return any(changed)

        changed = apply_service(form, save)
        if changed is not None:
            flash(_("The policy is saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("second_factor.policy_page"))
    elif not form.is_submitted():
        required = policy.required_roles()
        for role in Role:
            getattr(form, role.value).data = role in required
    return render_template("second_factor/policy.html", form=form), 422 if form.errors else 200


@bp.route("/people/<int:user_id>/second-factor", methods=["GET", "POST"])
@requires(Action.RESET_SECOND_FACTOR)
def reset(user_id: int) -> tuple[str, int] | Response:
    """What someone signs in with, and a reset for when they lost it."""
    person = db.session.get(User, user_id) or abort(404)
    if not can_current(Action.RESET_SECOND_FACTOR, person):
        abort(403)  # their own: that takes a recovery code, at sign-in
    form = ResetForm()

    def reset_now() -> bool:
        policy.reset(current_actor(), person, form.reason.data or "")
        return True

    if form.validate_on_submit() and apply_service(form, reset_now):
        send_second_factor_notice(
            person,
            _l(
                "A coordinator reset your second factor: your passkeys, authenticator app and "
                "recovery codes were removed and you were signed out. Set up a new one when "
                "you next sign in."
            ),
        )
        flash(_("%(name)s's second factor is reset.", name=person.display_name), "success")
        return redirect(url_for("people.show", user_id=person.id))
    db.session.rollback()
    page = render_template(
        "second_factor/reset.html",
        form=form,
        person=person,
        factors=policy.factors_of(person),
        required=policy.must_have(person),
    )
    return page, 422 if form.errors else 200
