"""Second factors: passkeys, an authenticator app and recovery codes, and the policy of which
roles must have one. Each change is audited; the web layer tells the person by e-mail."""

from app.models import AuthenticatorApp, Passkey, RecoveryCode, SecondFactorPolicy

# Every column naming a person here: a merge keeps each where it is (a duplicate's factors stay
# its own); an erasure deletes the factors and keeps who changed the policy.
FACTORS_OF_A_PERSON = (Passkey.user_id, AuthenticatorApp.user_id, RecoveryCode.user_id)
REFERENCES_TO_PEOPLE = (*FACTORS_OF_A_PERSON, SecondFactorPolicy.changed_by_id)
