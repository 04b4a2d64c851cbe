"""Supervision: sessions a trainee logs and their supervisor confirms or returns, what waits on
whom, the read-side queries of the supervision pages, and handing supervisees to another
supervisor. May import models, evidence and the ground-floor services; nothing web."""
