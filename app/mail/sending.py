"""Outgoing e-mail: rendered from templates/email, sent through SMTP, echoed in development."""

import smtplib

from flask import current_app, render_template
from flask_babel.speaklater import LazyString
from flask_mail import Message

from app.extensions import mail
from app.i18n import in_locale, person_locale


def send_email(
    to: str, subject: str | LazyString, template: str, locale: str = "", **context: object
) -> bool:
    """Send a plain-text message; False (and a log line) when the SMTP server refused it. With
    the recipient's `locale` (their account's language), the subject (lazy: `_l`) and the body
    are read in it, not in the language of whoever's request sent it."""
    config = current_app.config
    if locale:
        with in_locale(person_locale(locale, config.get("ASSOCIATION_TERRITORY", ""))):
            subject = str(subject)
            body = render_template(f"email/{template}.txt", **context)
    else:
        subject = str(subject)
        body = render_template(f"email/{template}.txt", **context)
    if config.get("MAIL_ECHO_TO_CONSOLE"):
        print(f"--- e-mail to {to}\nSubject: {subject}\n\n{body}\n--- end of e-mail", flush=True)
    if not config.get("MAIL_SERVER"):
        return bool(config.get("MAIL_ECHO_TO_CONSOLE"))
    try:
        mail.send(Message(subject=subject, recipients=[to], body=body))
    # UnicodeError: an address no mail server without SMTPUTF8 can take (stored before the
    # people service refused them).
    except (smtplib.SMTPException, OSError, UnicodeError):
        current_app.logger.exception("Could not send e-mail %r to %s", subject, to)
        return False
    return True
