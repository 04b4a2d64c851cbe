"""Second factors: passkeys (WebAuthn), an authenticator app (TOTP, its secret sealed), one-time
recovery codes, and coordinators' choices of which roles must have one (until they choose, the
configuration's SECOND_FACTOR_REQUIRED_ROLES decides).

Revision ID: 0019_second_factors
Revises: 0018_sealed_clips
"""

import sqlalchemy as sa
from alembic import op


revision = "0019_second_factors"
down_revision = "0018_sealed_clips"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "passkeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.LargeBinary(length=1023), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=2048), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_passkeys_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passkeys")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_passkeys_credential_id")),
    )
    op.create_index(op.f("ix_passkeys_user_id"), "passkeys", ["user_id"])
    op.create_table(
        "authenticator_apps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(length=256), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_authenticator_apps_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authenticator_apps")),
        sa.UniqueConstraint("user_id", name=op.f("uq_authenticator_apps_user_id")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_codes_code_hash")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])
    op.create_table(
        "second_factor_policies",
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_second_factor_policies_changed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("role", name=op.f("pk_second_factor_policies")),
    )
    # Plain ALTERs (no batch copy of `users`, which would lose its expression index on SQLite).
    op.add_column("users", sa.Column("passkey_handle", sa.LargeBinary(length=64), nullable=True))
    op.create_index(op.f("ix_users_passkey_handle"), "users", ["passkey_handle"], unique=True)
    op.add_column(
        "login_sessions",
        sa.Column("awaiting_setup", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), never a batch copy of `users` (see upgrade).
    op.execute("ALTER TABLE login_sessions DROP COLUMN awaiting_setup")
    op.drop_index(op.f("ix_users_passkey_handle"), table_name="users")
    op.execute("ALTER TABLE users DROP COLUMN passkey_handle")
    op.drop_table("second_factor_policies")
    op.drop_table("recovery_codes")
    op.drop_index(op.f("ix_passkeys_user_id"), table_name="passkeys")
    op.drop_table("passkeys")
    op.drop_table("authenticator_apps")
