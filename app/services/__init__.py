"""Domain rules as plain functions (the actor passed in; flush, never commit), one package per
part of VIG, over a ground floor: audit (+ audit_chain), row_locks, plain_text, wording (dates in
messages) and notifications. Authz says who may do what; nothing here imports Flask's request."""
