"""Leaders' Spanish names for themes move into content translations, with every other language

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 12:30:00.000000

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

themes = sa.table('themes', sa.column('id', sa.Integer), sa.column('custom_label', sa.String),
                  sa.column('custom_label_es', sa.String), sa.column('created_at', sa.DateTime(timezone=True)))
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
    rows = connection.execute(sa.select(themes).where(themes.c.custom_label_es.is_not(None))).all()
    moved = [{"scope": f"theme:{row.id}", "path": "custom_label", "language": "es",
              "source_hash": _hash(row.custom_label), "source_text": row.custom_label.strip(),
              "text": row.custom_label_es.strip(), "machine": False, "published_at": row.created_at,
              "translated_by_id": None, "updated_at": row.created_at}
             for row in rows if (row.custom_label_es or "").strip() and (row.custom_label or "").strip()]
    if moved:
        connection.execute(translations.insert(), moved)
    with op.batch_alter_table('themes') as batch_op:
        batch_op.drop_column('custom_label_es')


def downgrade():
    with op.batch_alter_table('themes') as batch_op:
        batch_op.add_column(sa.Column('custom_label_es', sa.String(length=200), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(translations.c.scope, translations.c.text).where(
        translations.c.scope.like('theme:%'), translations.c.path == 'custom_label', translations.c.language == 'es',
        translations.c.published_at.is_not(None)).order_by(translations.c.updated_at)).all()
    for scope, text in rows:
        connection.execute(themes.update().where(themes.c.id == int(scope.split(':')[1]))
                           .values(custom_label_es=text[:200]))
    connection.execute(translations.delete().where(translations.c.scope.like('theme:%'),
                                                   translations.c.path == 'custom_label'))
