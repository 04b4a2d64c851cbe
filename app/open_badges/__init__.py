"""Certificates as Open Badges 3.0 credentials, with the public documents they point at."""
