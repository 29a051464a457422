"""Progress updates' Spanish summaries move into content translations, with every other language

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 10:00:00.000000

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

updates = sa.table('progress_updates', sa.column('id', sa.Integer), sa.column('author_id', sa.Integer),
                   sa.column('summary', sa.Text), sa.column('summary_es', sa.Text),
                   sa.column('created_at', sa.DateTime(timezone=True)))
translations = sa.table('content_translations', sa.column('scope', sa.String), sa.column('path', sa.String),
                        sa.column('language', sa.String), sa.column('source_hash', sa.String),
                        sa.column('source_text', sa.Text), sa.column('text', sa.Text),
                        sa.column('machine', sa.Boolean), sa.column('published_at', sa.DateTime(timezone=True)),
                        sa.column('translated_by_id', sa.Integer), sa.column('updated_at', sa.DateTime(timezone=True)))


def _hash(text):
    # As engage.translation.texts.source_hash, frozen here as migrations must be.
    return hashlib.sha256((text or "").strip().encode()).hexdigest()[:16]


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(updates.c.id, updates.c.author_id, updates.c.summary, updates.c.summary_es,
                                        updates.c.created_at).where(updates.c.summary_es != '')).all()
    if rows:
        connection.execute(translations.insert(), [
            {"scope": f"update:{row.id}", "path": "summary", "language": "es", "source_hash": _hash(row.summary),
             "source_text": row.summary.strip(), "text": row.summary_es.strip(), "machine": False,
             "published_at": row.created_at, "translated_by_id": row.author_id, "updated_at": row.created_at}
            for row in rows if row.summary_es.strip()
        ])
    with op.batch_alter_table('progress_updates') as batch_op:
        batch_op.drop_column('summary_es')


def downgrade():
    with op.batch_alter_table('progress_updates') as batch_op:
        batch_op.add_column(sa.Column('summary_es', sa.Text(), nullable=False, server_default=''))
    connection = op.get_bind()
    rows = connection.execute(sa.select(translations.c.scope, translations.c.text).where(
        translations.c.scope.like('update:%'), translations.c.path == 'summary', translations.c.language == 'es',
        translations.c.published_at.is_not(None))).all()
    for scope, text in rows:
        connection.execute(updates.update().where(updates.c.id == int(scope.split(':')[1])).values(summary_es=text))
    connection.execute(translations.delete().where(translations.c.scope.like('update:%')))
