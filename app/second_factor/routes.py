"""Every view of second factors, registered on one blueprint."""

from app.second_factor import coordinating, own_factors, passkey_ceremonies, sign_in_step
from app.second_factor.blueprint import bp

__all__ = ["bp", "coordinating", "own_factors", "passkey_ceremonies", "sign_in_step"]
