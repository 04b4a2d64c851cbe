"""Attune: the application factory, a list of small registration steps."""

import os
from pathlib import Path
from typing import Any

from flask import Flask

from config import CONFIGS, ProductionConfig

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the Attune application for an environment ('development', 'test', 'production')."""
    name = config_name or os.environ.get("ATTUNE_ENV", "production")
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown ATTUNE_ENV {name!r}; use one of {', '.join(CONFIGS)}.")
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(CONFIGS[name])
    app.config.update(overrides or {})
    app.config["ATTUNE_ENV"] = name
    if name == "production":
        ProductionConfig.check(app.config)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this application."""
    from app import database, i18n, storage
    from app.extensions import csrf, db, limiter, login_manager, mail, migrate
    from app.services.progress import marks
    from app.web import second_factor_gate, signed_in

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        app.config["SQLITE_BUSY_TIMEOUT_MS"],
    )
    db.init_app(app)
    database.register_engine_settings()
    marks.register()
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    storage.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(signed_in.load_user)
    signed_in.init_app(app)
    second_factor_gate.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register one blueprint per area users see."""
    from app.account.routes import bp as account_bp
    from app.auth.language import bp as language_bp
    from app.auth.routes import bp as auth_bp
    from app.cases.routes import bp as cases_bp
    from app.certificates.routes import bp as certificates_bp
    from app.cohorts.routes import bp as cohorts_bp
    from app.coordination.routes import bp as coordination_bp
    from app.cycles.routes import bp as cycles_bp
    from app.enrolments.routes import bp as enrolments_bp
    from app.films.routes import bp as films_bp
    from app.health.routes import bp as health_bp
    from app.home.routes import bp as home_bp
    from app.milestones.routes import bp as milestones_bp
    from app.notifications.routes import bp as notifications_bp
    from app.open_badges.routes import bp as open_badges_bp
    from app.people.management import bp as people_management_bp
    from app.people.routes import bp as people_bp
    from app.portfolios.routes import bp as portfolios_bp
    from app.ratings.routes import bp as ratings_bp
    from app.reflections.routes import bp as reflections_bp
    from app.retention.routes import bp as retention_bp
    from app.scheme_pages.routes import bp as scheme_pages_bp
    from app.second_factor.routes import bp as second_factor_bp
    from app.signoff.routes import bp as signoff_bp
    from app.subject_access.routes import bp as subject_access_bp
    from app.supervision.routes import bp as supervision_bp

    for blueprint in (
        auth_bp,
        language_bp,
        account_bp,
        second_factor_bp,
        home_bp,
        people_bp,
        people_management_bp,
        coordination_bp,
        cohorts_bp,
        scheme_pages_bp,
        enrolments_bp,
        cases_bp,
        cycles_bp,
        films_bp,
        supervision_bp,
        reflections_bp,
        milestones_bp,
        ratings_bp,
        signoff_bp,
        certificates_bp,
        open_badges_bp,
        portfolios_bp,
        retention_bp,
        subject_access_bp,
        notifications_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    """House-style error pages for every HTTP error."""
    from app.web import error_pages

    error_pages.init_app(app)


def register_request_hooks(app: Flask) -> None:
    """Refuse addresses no link could hold (control characters, impossible numbers); security
    headers on every response; after each successful change, e-mail the notifications it
    created."""
    from app.mail import notifications as notify_mail
    from app.web import request_guard, security_headers

    request_guard.init_app(app)
    security_headers.init_app(app)
    notify_mail.init_app(app)


def register_template_helpers(app: Flask) -> None:
    """Expose permission checks and formatting helpers to templates."""
    from app import i18n
    from app.authz import rules
    from app.authz import web as authz
    from app.documents.pdf import css_string
    from app.lists.urls import list_url, page_url
    from app.models.scheme_text import read_text
    from app.notifications.routes import unread_for_current_user
    from app.pseudo_locale.codes import language_code, language_tag
    from app.services.evidence import locks
    from app.services.progress.text import (
        achieved_text,
        format_minutes,
        missing_text,
        requirement_text,
    )
    from app.web import evidence_labels, labels
    from app.web.forms import field_attrs, format_timecode
    from app.web.passkey_site import passkey_origin
    from app.web.phrases import notification_text, phrase_text

    app.jinja_env.globals["can"] = authz.can_current
    # Which parts a person shown on a page holds (what to offer about them, not who may act).
    app.jinja_env.globals["may_train"] = rules.may_train
    app.jinja_env.globals["may_supervise"] = rules.may_supervise
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["list_url"] = list_url
    app.jinja_env.globals["role_names"] = labels.ROLE_NAMES
    app.jinja_env.globals["grade_names"] = labels.GRADE_NAMES
    app.jinja_env.globals["status_names"] = labels.STATUS_NAMES
    app.jinja_env.globals["ends_with_names"] = labels.ENDS_WITH_NAMES
    app.jinja_env.globals["setting_names"] = evidence_labels.SETTING_NAMES
    app.jinja_env.globals["scope_names"] = evidence_labels.SCOPE_NAMES
    app.jinja_env.globals["film_kind_names"] = evidence_labels.FILM_KIND_NAMES
    app.jinja_env.globals["session_status_names"] = evidence_labels.SESSION_STATUS_NAMES
    app.jinja_env.globals["milestone_names"] = evidence_labels.MILESTONE_NAMES
    app.jinja_env.globals["meeting_status_names"] = evidence_labels.MEETING_STATUS_NAMES
    i18n.register_filters(app)
    app.jinja_env.filters["timecode"] = format_timecode
    app.jinja_env.globals["field_attrs"] = field_attrs
    app.jinja_env.globals["passkey_origin"] = passkey_origin
    app.jinja_env.globals["language_name"] = i18n.language_name
    app.jinja_env.globals["current_locale"] = i18n.current_locale
    app.jinja_env.globals["language_tag"] = language_tag
    app.jinja_env.globals["language_code"] = language_code
    app.jinja_env.globals["evidence_lock"] = locks.lock_on
    app.jinja_env.filters["hours"] = format_minutes
    app.jinja_env.globals["achieved_text"] = achieved_text
    app.jinja_env.globals["missing_text"] = missing_text
    app.jinja_env.globals["requirement_text"] = requirement_text
    app.jinja_env.globals["unread_notifications"] = unread_for_current_user
    app.jinja_env.globals["notification_text"] = notification_text
    app.jinja_env.filters["phrase"] = phrase_text
    app.jinja_env.filters["scheme_text"] = read_text  # scheme wording kept as English text
    app.jinja_env.globals["rating_kind_names"] = evidence_labels.RATING_KIND_NAMES
    app.jinja_env.globals["evidence_kind_names"] = evidence_labels.EVIDENCE_KIND_NAMES
    app.jinja_env.filters["css_string"] = css_string


def register_cli(app: Flask) -> None:
    """Add Attune's commands to `flask --app wsgi`."""
    from app import cli

    cli.init_app(app)
