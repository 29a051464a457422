"""Flask extensions, created once and bound to the app in create_app."""

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints so Alembic migrations work the same on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(get_remote_address)


def dialect_insert(model):
    """An INSERT for the database in use that can say ON CONFLICT (SQLite and PostgreSQL both can)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def limit_from_config(name: str):
    """A rate limit read from the app's config when the request comes, so deployments can tune it."""
    return lambda: current_app.config[name]


def person_id_for_limits() -> int | None:
    """The signed-in person's id, for rate limits counted per person (None for visitors).

    Not current_user.get_id(): that names one sign-in, and a person could start
    a fresh count by signing in again.
    """
    return getattr(current_user, "id", None)


talisman = Talisman()
