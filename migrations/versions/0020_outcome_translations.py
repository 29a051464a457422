"""'You said, we did' explanations in Spanish move into content translations, with every other language

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 10:30:00.000000

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

outcomes = sa.table('feedback_outcomes', sa.column('id', sa.Integer), sa.column('created_by_id', sa.Integer),
                    sa.column('explanation', sa.Text), sa.column('explanation_es', sa.Text),
                    sa.column('updated_at', sa.DateTime(timezone=True)))
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
    rows = connection.execute(sa.select(outcomes).where(outcomes.c.explanation_es.is_not(None))).all()
    moved = [{"scope": f"outcome:{row.id}", "path": "explanation", "language": "es",
              "source_hash": _hash(row.explanation), "source_text": row.explanation.strip(),
              "text": row.explanation_es.strip(), "machine": False, "published_at": row.updated_at,
              "translated_by_id": row.created_by_id, "updated_at": row.updated_at}
             for row in rows if (row.explanation_es or "").strip()]
    if moved:
        connection.execute(translations.insert(), moved)
    with op.batch_alter_table('feedback_outcomes') as batch_op:
        batch_op.drop_column('explanation_es')


def downgrade():
    with op.batch_alter_table('feedback_outcomes') as batch_op:
        batch_op.add_column(sa.Column('explanation_es', sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(translations.c.scope, translations.c.text).where(
        translations.c.scope.like('outcome:%'), translations.c.language == 'es',
        translations.c.published_at.is_not(None))).all()
    for scope, text in rows:
        connection.execute(outcomes.update().where(outcomes.c.id == int(scope.split(':')[1]))
                           .values(explanation_es=text))
    connection.execute(translations.delete().where(translations.c.scope.like('outcome:%')))
