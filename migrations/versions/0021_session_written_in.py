"""The language a conversation's host wrote its title and description in

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversation_sessions') as batch_op:
        batch_op.add_column(sa.Column('written_in', sa.String(length=12), nullable=False, server_default='en'))


def downgrade():
    with op.batch_alter_table('conversation_sessions') as batch_op:
        batch_op.drop_column('written_in')
