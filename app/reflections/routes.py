"""Placeholder until the pages are written."""

from flask import Blueprint

bp = Blueprint("reflections", __name__)
