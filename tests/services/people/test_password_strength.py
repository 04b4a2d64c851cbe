"""Common and trivially guessable passwords are refused wherever a password is chosen."""

import pytest

from app.errors import RuleViolation
from app.models import Role
from app.services.people import accounts, directory
from tests.builders.people import make_user

NAME, EMAIL = "Tess Trainee", "tess.trainee@example.org"


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("1234567890", "common password"),
        ("aaaaaaaaaa", "Repeats"),
        ("password123", "common password"),
        ("qwertyuiop", "common password"),
        ("TessTrainee2026", "your name or e-mail address"),
        ("tess.trainee@example.org!", "your name or e-mail address"),
    ],
)
def test_guessable_passwords_are_refused_with_the_reason_and_a_passphrase_hint(password, why):
    with pytest.raises(RuleViolation) as refused:
        accounts.check_password_rules(password, EMAIL, NAME)
    assert refused.value.field == "password"
    assert why in refused.value.message
    assert "passphrase" in refused.value.message


@pytest.mark.parametrize(
    "password", ["correct horse battery", "nia-picks-four-random-words", "a long new password"]
)
def test_passphrases_are_accepted(password):
    accounts.check_password_rules(password, EMAIL, NAME)


def test_a_person_cannot_be_created_or_given_a_guessable_password(ctx):
    with pytest.raises(RuleViolation, match="passphrase"):
        directory.create_person(None, EMAIL, NAME, [Role.TRAINEE], password="password123")
    person = make_user(Role.TRAINEE, email=EMAIL, name=NAME)
    with pytest.raises(RuleViolation, match="passphrase"):
        accounts.set_password(person, person, "1234567890")
