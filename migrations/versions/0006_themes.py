"""Themes: analyses, runs, themes, item assignments and the sentence-embedding cache

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 05:46:14.371034

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_embeddings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=80), nullable=False),
    sa.Column('text_digest', sa.String(length=64), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_embeddings')),
    sa.UniqueConstraint('source', 'source_id', 'model', name='uq_feedback_embeddings_item')
    )
    op.create_table('theme_analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_theme_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_theme_analyses_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_theme_analyses_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_analyses'))
    )
    with op.batch_alter_table('theme_analyses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_analyses_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index('uq_theme_analyses_default', ['plan_id'], unique=True,
                              sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))

    op.create_table('theme_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('analysis_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('n_themes_requested', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=60), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('representation', sa.String(length=80), nullable=False),
    sa.Column('n_items', sa.Integer(), nullable=False),
    sa.Column('n_themes', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('progressed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submission_token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['analysis_id'], ['theme_analyses.id'], name=op.f('fk_theme_runs_analysis_id_theme_analyses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_theme_runs_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_runs')),
    sa.UniqueConstraint('submission_token', name=op.f('uq_theme_runs_submission_token'))
    )
    with op.batch_alter_table('theme_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_runs_analysis_id'), ['analysis_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_runs_status'), ['status'], unique=False)

    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('analysis_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('split_from_id', sa.Integer(), nullable=True),
    sa.Column('generated_label', sa.String(length=200), nullable=False),
    sa.Column('custom_label', sa.String(length=200), nullable=True),
    sa.Column('top_terms', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_run_id', sa.Integer(), nullable=True),
    sa.Column('last_run_id', sa.Integer(), nullable=True),
    sa.Column('response_heard', sa.Text(), nullable=False),
    sa.Column('response_will_do', sa.Text(), nullable=False),
    sa.Column('response_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['analysis_id'], ['theme_analyses.id'], name=op.f('fk_themes_analysis_id_theme_analyses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['first_run_id'], ['theme_runs.id'], name=op.f('fk_themes_first_run_id_theme_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_run_id'], ['theme_runs.id'], name=op.f('fk_themes_last_run_id_theme_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['themes.id'], name=op.f('fk_themes_merged_into_id_themes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_updated_by_id'], ['users.id'], name=op.f('fk_themes_response_updated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['split_from_id'], ['themes.id'], name=op.f('fk_themes_split_from_id_themes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('analysis_id', 'key', name='uq_themes_analysis_key')
    )
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_themes_analysis_id'), ['analysis_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_themes_status'), ['status'], unique=False)

    op.create_table('theme_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('analysis_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('strength', sa.Float(), nullable=False),
    sa.Column('representative_rank', sa.Integer(), nullable=True),
    sa.Column('assigned_by', sa.String(length=20), nullable=False),
    sa.Column('off_topic', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['theme_analyses.id'], name=op.f('fk_theme_assignments_analysis_id_theme_analyses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['theme_runs.id'], name=op.f('fk_theme_assignments_run_id_theme_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_theme_assignments_theme_id_themes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_assignments')),
    sa.UniqueConstraint('analysis_id', 'source', 'source_id', name='uq_theme_assignments_item')
    )
    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_assignments_analysis_id'), ['analysis_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_assignments_theme_id'), ['theme_id'], unique=False)



def downgrade():
    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_assignments_theme_id'))
        batch_op.drop_index(batch_op.f('ix_theme_assignments_analysis_id'))

    op.drop_table('theme_assignments')
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_themes_status'))
        batch_op.drop_index(batch_op.f('ix_themes_analysis_id'))

    op.drop_table('themes')
    with op.batch_alter_table('theme_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_runs_status'))
        batch_op.drop_index(batch_op.f('ix_theme_runs_analysis_id'))

    op.drop_table('theme_runs')
    with op.batch_alter_table('theme_analyses', schema=None) as batch_op:
        batch_op.drop_index('uq_theme_analyses_default')
        batch_op.drop_index(batch_op.f('ix_theme_analyses_plan_id'))

    op.drop_table('theme_analyses')
    op.drop_table('feedback_embeddings')
