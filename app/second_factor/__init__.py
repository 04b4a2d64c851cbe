"""Second factors on the web: the sign-in's second step, a person's own passkeys, authenticator
app and recovery codes, and coordinators' policy and resets."""
