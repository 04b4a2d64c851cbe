"""Domain rules as plain functions (the actor passed in; flush, never commit), one package per
part of VIG's vocabulary, over a ground floor: audit (+ audit_chain), row_locks, plain_text and
notifications. Who may do what is asked of app/authz; nothing here imports Flask's request."""
