"""Each scope's version also counts its changes, so a copy of the versions in Redis only moves forward

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('data_versions') as batch_op:
        batch_op.add_column(sa.Column('counter', sa.BigInteger(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('data_versions') as batch_op:
        batch_op.drop_column('counter')
