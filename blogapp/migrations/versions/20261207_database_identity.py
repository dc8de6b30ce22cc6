"""a random identity for the database, under which the shared cache files its pages

Revision ID: 20261207_database_identity
Revises: 20261207_stored_search_vectors
Create Date: 2026-12-07 04:00:00

"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261207_database_identity"
down_revision = '20261207_stored_search_vectors'
branch_labels = None
depends_on = None

site_settings = sa.table(
    "site_settings",
    sa.column("name", sa.String(64)),
    sa.column("value", sa.Text()),
    sa.column("updated_at", sa.DateTime()),
)


def upgrade():
    op.execute(site_settings.delete().where(site_settings.c.name == "database_identity"))
    op.execute(
        site_settings.insert().values(
            name="database_identity",
            value=secrets.token_hex(8),
            updated_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )


def downgrade():
    op.execute(site_settings.delete().where(site_settings.c.name == "database_identity"))
