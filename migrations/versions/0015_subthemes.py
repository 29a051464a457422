"""Themes: sub-themes inside each theme, which one each item is in, and themes leaders start

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subthemes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('seed_examples', sa.JSON(), nullable=True))
    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subtheme', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.drop_column('subtheme')
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('seed_examples')
        batch_op.drop_column('subthemes')
