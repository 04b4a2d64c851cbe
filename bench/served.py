"""What the scale benchmark serves with gunicorn (`bench.served:app`): the production app as
`wsgi:app` builds it, plus the bench-only reference route (`bench.reference`)."""

from bench.reference import bp
from wsgi import app

app.register_blueprint(bp)
