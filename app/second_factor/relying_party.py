"""This site as passkeys know it: its domain and origin, from BASE_URL (or PASSKEY_RP_ID)."""

from urllib.parse import urlsplit

from flask import current_app

from app.services.second_factor.passkeys import RelyingParty


def relying_party() -> RelyingParty:
    """The relying party of this deployment."""
    config = current_app.config
    base = urlsplit(config["BASE_URL"])
    origin = f"{base.scheme}://{base.netloc}"
    return RelyingParty(config.get("PASSKEY_RP_ID") or base.hostname or "", "Attune", origin)
