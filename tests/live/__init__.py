"""The app served by gunicorn over real HTTP on a real database seeded with the demo."""
