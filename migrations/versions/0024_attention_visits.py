"""When each leader last opened their home, for "new since your last visit"

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attention_visits',
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table('attention_visits')
