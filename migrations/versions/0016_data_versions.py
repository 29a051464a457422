"""The version of each scope of data that cached reads depend on

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_versions',
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_data_versions')),
    )


def downgrade():
    op.drop_table('data_versions')
