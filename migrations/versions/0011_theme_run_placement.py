"""Where the last run put each feedback item, kept apart from leaders' moves (for the group counts)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('run_theme_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_theme_assignments_run_theme_id_themes'), 'themes',
                                    ['run_theme_id'], ['id'], ondelete='SET NULL')
    # Items a leader moved: where the run put them is not known until the next run.
    op.execute("UPDATE theme_assignments SET run_theme_id = theme_id WHERE assigned_by IN ('run', 'nearest')")


def downgrade():
    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_theme_assignments_run_theme_id_themes'), type_='foreignkey')
        batch_op.drop_column('run_theme_id')
