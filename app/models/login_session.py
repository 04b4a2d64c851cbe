"""A signed-in browser: the server-side half of a session, so sign-out really ends it."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.user import User


class LoginSession(Base):
    """One signed-in browser; only the SHA-256 of the secret its cookie carries is stored."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    # Signed in with a password alone by someone who must have a second factor and has none:
    # this session may do nothing but set one up.
    awaiting_setup: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()
