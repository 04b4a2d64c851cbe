"""Second factors: passkeys, an authenticator app and recovery codes, and the policy of which
roles must have one. Each change is audited; the web layer tells the person by e-mail."""
