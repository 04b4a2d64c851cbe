from flask import Blueprint

bp = Blueprint("enrolments", __name__)
