"""Themes: names in Spanish, how sure each placement is, how alike each theme's items are, and themes found alike

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confidence', sa.Float(), nullable=True))
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tightness', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('generated_label_es', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('custom_label_es', sa.String(length=200), nullable=True))
    with op.batch_alter_table('theme_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alike', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('theme_runs', schema=None) as batch_op:
        batch_op.drop_column('alike')
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('custom_label_es')
        batch_op.drop_column('generated_label_es')
        batch_op.drop_column('tightness')
    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.drop_column('confidence')
