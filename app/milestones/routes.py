"""Placeholder until the pages are written."""

from flask import Blueprint

bp = Blueprint("milestones", __name__)
