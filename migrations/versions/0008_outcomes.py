"""You said, we did: feedback (a theme, comments) linked to the plan change or action it led to

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 08:37:49.424637

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('section_key', sa.String(length=20), nullable=True),
    sa.Column('action_key', sa.String(length=20), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('explanation_es', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submission_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_feedback_outcomes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_feedback_outcomes_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_feedback_outcomes_theme_id_themes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['plan_versions.id'], name=op.f('fk_feedback_outcomes_version_id_plan_versions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_outcomes')),
    sa.UniqueConstraint('created_by_id', 'submission_token', name='uq_feedback_outcomes_author_submission')
    )
    with op.batch_alter_table('feedback_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_outcomes_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_outcomes_theme_id'), ['theme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_outcomes_version_id'), ['version_id'], unique=False)

    op.create_table('feedback_outcome_comments',
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_feedback_outcome_comments_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['feedback_outcomes.id'], name=op.f('fk_feedback_outcome_comments_outcome_id_feedback_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outcome_id', 'comment_id', name=op.f('pk_feedback_outcome_comments'))
    )
    with op.batch_alter_table('feedback_outcome_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_outcome_comments_comment_id'), ['comment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback_outcome_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_outcome_comments_comment_id'))

    op.drop_table('feedback_outcome_comments')
    with op.batch_alter_table('feedback_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_outcomes_version_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_outcomes_theme_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_outcomes_plan_id'))

    op.drop_table('feedback_outcomes')
