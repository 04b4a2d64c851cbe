"""Placeholder until the pages are written."""

from flask import Blueprint

bp = Blueprint("supervision", __name__)
