from flask import Blueprint

bp = Blueprint("scheme_pages", __name__)
