"""This site as passkeys know it: its domain (the relying party's id) and origin, from BASE_URL
(or PASSKEY_RP_ID). Browsers refuse passkeys for an IP address, so on one there are none."""

import ipaddress
from urllib.parse import urlsplit

from flask import current_app

from app.services.second_factor.passkeys import RelyingParty


def relying_party() -> RelyingParty:
    """The relying party of this deployment."""
    config = current_app.config
    base = urlsplit(config["BASE_URL"])
    origin = f"{base.scheme}://{base.netloc}"
    return RelyingParty(config.get("PASSKEY_RP_ID") or base.hostname or "", "Attune", origin)


def passkey_origin() -> str:
    """The origin passkeys work at, or "" when they cannot work here (an IP address): pages
    offer passkeys only to a browser at this origin (static/passkeys.js compares)."""
    rp = relying_party()
    try:
        ipaddress.ip_address(rp.id.strip("[]"))
    except ValueError:
        return rp.origin
    return ""
