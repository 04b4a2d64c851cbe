"""Placeholder until the pages are written."""

from flask import Blueprint

bp = Blueprint("films", __name__)
