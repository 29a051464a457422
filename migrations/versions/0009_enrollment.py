"""The district's enrollment figures by school year, school and group

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 08:37:49.424637

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrollment_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('group_key', sa.String(length=40), nullable=False),
    sa.Column('students', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_enrollment_figures_school_id_schools'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_enrollment_figures_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_figures')),
    sa.UniqueConstraint('school_year', 'school_id', 'dimension', 'group_key',
                        name='uq_enrollment_figures_year_school_group')
    )
    with op.batch_alter_table('enrollment_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_figures_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_figures_school_year'), ['school_year'], unique=False)
        batch_op.create_index('uq_enrollment_figures_year_district_group', ['school_year', 'dimension', 'group_key'],
                              unique=True, sqlite_where=sa.text('school_id IS NULL'),
                              postgresql_where=sa.text('school_id IS NULL'))


def downgrade():
    with op.batch_alter_table('enrollment_figures', schema=None) as batch_op:
        batch_op.drop_index('uq_enrollment_figures_year_district_group')
        batch_op.drop_index(batch_op.f('ix_enrollment_figures_school_year'))
        batch_op.drop_index(batch_op.f('ix_enrollment_figures_school_id'))

    op.drop_table('enrollment_figures')
