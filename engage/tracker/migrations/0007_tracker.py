"""Progress tracker: action progress, dated updates with evidence and metric values, subscriptions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 07:04:58.208391

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('progress_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('office', sa.String(length=200), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('percent_complete', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('summary_es', sa.Text(), nullable=False),
    sa.Column('evidence_kind', sa.String(length=10), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=False),
    sa.Column('evidence_title', sa.String(length=200), nullable=False),
    sa.Column('evidence_stored_name', sa.String(length=100), nullable=False),
    sa.Column('evidence_filename', sa.String(length=200), nullable=False),
    sa.Column('evidence_content_type', sa.String(length=100), nullable=False),
    sa.Column('evidence_size_bytes', sa.Integer(), nullable=False),
    sa.Column('submission_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['plan_actions.id'], name=op.f('fk_progress_updates_action_id_plan_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_progress_updates_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_progress_updates_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_updates')),
    sa.UniqueConstraint('author_id', 'submission_token', name='uq_progress_updates_author_submission')
    )
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_updates_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_updates_as_of'), ['as_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_updates_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_updates_plan_id'), ['plan_id'], unique=False)

    op.create_table('tracker_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['plan_actions.id'], name=op.f('fk_tracker_subscriptions_action_id_plan_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_tracker_subscriptions_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tracker_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_subscriptions')),
    sa.UniqueConstraint('email', 'plan_id', 'action_id', name='uq_tracker_subscriptions_target')
    )
    with op.batch_alter_table('tracker_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracker_subscriptions_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracker_subscriptions_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracker_subscriptions_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracker_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('action_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('percent_complete', sa.Integer(), nullable=False),
    sa.Column('update_count', sa.Integer(), nullable=False),
    sa.Column('last_update_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['plan_actions.id'], name=op.f('fk_action_progress_action_id_plan_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['last_update_id'], ['progress_updates.id'], name=op.f('fk_action_progress_last_update_id_progress_updates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_action_progress_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_progress')),
    sa.UniqueConstraint('action_id', name=op.f('uq_action_progress_action_id'))
    )
    with op.batch_alter_table('action_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_progress_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_progress_status'), ['status'], unique=False)

    op.create_table('metric_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['plan_indicators.id'], name=op.f('fk_metric_values_indicator_id_plan_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['progress_updates.id'], name=op.f('fk_metric_values_update_id_progress_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_values'))
    )
    with op.batch_alter_table('metric_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_values_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_metric_values_update_id'), ['update_id'], unique=False)



def downgrade():
    with op.batch_alter_table('metric_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metric_values_update_id'))
        batch_op.drop_index(batch_op.f('ix_metric_values_indicator_id'))

    op.drop_table('metric_values')
    with op.batch_alter_table('action_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_progress_status'))
        batch_op.drop_index(batch_op.f('ix_action_progress_plan_id'))

    op.drop_table('action_progress')
    with op.batch_alter_table('tracker_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracker_subscriptions_user_id'))
        batch_op.drop_index(batch_op.f('ix_tracker_subscriptions_plan_id'))
        batch_op.drop_index(batch_op.f('ix_tracker_subscriptions_email'))
        batch_op.drop_index(batch_op.f('ix_tracker_subscriptions_action_id'))

    op.drop_table('tracker_subscriptions')
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_updates_plan_id'))
        batch_op.drop_index(batch_op.f('ix_progress_updates_created_at'))
        batch_op.drop_index(batch_op.f('ix_progress_updates_as_of'))
        batch_op.drop_index(batch_op.f('ix_progress_updates_action_id'))

    op.drop_table('progress_updates')
