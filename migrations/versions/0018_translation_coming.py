"""Plan versions published before their translations say which are coming

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 09:31:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_versions') as batch_op:
        batch_op.add_column(sa.Column('translation_coming', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('plan_versions') as batch_op:
        batch_op.drop_column('translation_coming')
