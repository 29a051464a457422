"""Who we are hearing from: everyone heard from, counted once per person, kept by a queue job so the page reads one row

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'participation_counts',
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('data_versions', sa.Text(), nullable=False),
        sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_participation_counts')),
    )


def downgrade():
    op.drop_table('participation_counts')
