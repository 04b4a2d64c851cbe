"""The one blueprint of second factors; its views are in the modules beside it."""

from flask import Blueprint

bp = Blueprint("second_factor", __name__)
