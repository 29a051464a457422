"""Content translations: every translatable text in every language, by the source it translates

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'content_translations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=60), nullable=False),
        sa.Column('path', sa.String(length=120), nullable=False),
        sa.Column('language', sa.String(length=12), nullable=False),
        sa.Column('source_hash', sa.String(length=16), nullable=False),
        sa.Column('source_text', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('machine', sa.Boolean(), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('translated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['translated_by_id'], ['users.id'],
                                name=op.f('fk_content_translations_translated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_translations')),
        sa.UniqueConstraint('scope', 'path', 'language', 'source_hash', name='uq_content_translations_source'),
    )
    op.create_index('ix_content_translations_scope_language', 'content_translations', ['scope', 'language'])


def downgrade():
    op.drop_index('ix_content_translations_scope_language', table_name='content_translations')
    op.drop_table('content_translations')
