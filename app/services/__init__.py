"""Domain rules as plain functions: they take the acting user explicitly, flush, never commit.

One package per part of VIG's vocabulary (evidence, supervision, progress, signoff, certificates,
portfolio, people, privacy, schemes, coordination, demo); the ground floor every package may use:
`audit` (the append-only, hash-chained log; `audit_chain`), `errors` (RuleViolation), `row_locks`
(exactly one decision wins), `plain_text` (what characters Attune keeps) and `notifications`.
Who may do what is decided in app/authz, never here. No module imports Flask's request.
"""
