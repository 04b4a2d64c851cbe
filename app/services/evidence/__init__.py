"""Evidence a trainee records: cases and consents, cycles, films, moments, clips, milestones,
reflections, and the removal of mistaken entries. May import models, the ground-floor services
(audit, errors, row_locks, plain_text), notifications and signoff's evidence locks; nothing web."""
