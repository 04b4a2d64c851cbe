"""Certificates: issuing, revoking and re-issuing (`issuing`), what verification and the public
register show (`verification`), renewals of expiring certificates and Open Badges credentials.
Imports models, progress, signoff and the ground floor; nothing web."""
