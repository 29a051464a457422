"""Surveys' wording in Spanish moves into content translations, with every other language

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 12:00:00.000000

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

surveys = sa.table('surveys', sa.column('id', sa.Integer), sa.column('created_by_id', sa.Integer),
                   sa.column('title', sa.String), sa.column('title_es', sa.String),
                   sa.column('introduction', sa.Text), sa.column('introduction_es', sa.Text),
                   sa.column('updated_at', sa.DateTime(timezone=True)))
questions = sa.table('survey_questions', sa.column('id', sa.Integer), sa.column('survey_id', sa.Integer),
                     sa.column('prompt', sa.Text), sa.column('prompt_es', sa.Text),
                     sa.column('help_text', sa.Text), sa.column('help_text_es', sa.Text),
                     sa.column('options', sa.JSON))
translations = sa.table('content_translations', sa.column('scope', sa.String), sa.column('path', sa.String),
                        sa.column('language', sa.String), sa.column('source_hash', sa.String),
                        sa.column('source_text', sa.Text), sa.column('text', sa.Text),
                        sa.column('machine', sa.Boolean), sa.column('published_at', sa.DateTime(timezone=True)),
                        sa.column('translated_by_id', sa.Integer), sa.column('updated_at', sa.DateTime(timezone=True)))


def _hash(text):
    # As engage.translation.texts.source_hash, frozen here as migrations must be.
    return hashlib.sha256((text or "").strip().encode()).hexdigest()[:16]


def _wording(survey_id, path, source, spanish, survey):
    return {"scope": f"survey:{survey_id}", "path": path, "language": "es", "source_hash": _hash(source),
            "source_text": (source or "").strip(), "text": spanish.strip(), "machine": False,
            "published_at": survey.updated_at, "translated_by_id": survey.created_by_id,
            "updated_at": survey.updated_at}


def upgrade():
    connection = op.get_bind()
    by_id = {row.id: row for row in connection.execute(sa.select(surveys))}
    moved = []
    for survey in by_id.values():
        for field in ("title", "introduction"):
            if (getattr(survey, f"{field}_es") or "").strip() and (getattr(survey, field) or "").strip():
                moved.append(_wording(survey.id, field, getattr(survey, field), getattr(survey, f"{field}_es"), survey))
    for question in connection.execute(sa.select(questions)).all():
        survey = by_id[question.survey_id]
        for field in ("prompt", "help_text"):
            if (getattr(question, f"{field}_es") or "").strip() and (getattr(question, field) or "").strip():
                moved.append(_wording(survey.id, f"question:{question.id}.{field}", getattr(question, field),
                                      getattr(question, f"{field}_es"), survey))
        options = list(question.options or [])
        for option in options:
            if (option.get("label_es") or "").strip() and (option.get("label") or "").strip():
                moved.append(_wording(survey.id, f"question:{question.id}.option:{option['key']}", option["label"],
                                      option["label_es"], survey))
        if any("label_es" in option for option in options):
            connection.execute(questions.update().where(questions.c.id == question.id).values(
                options=[{key: value for key, value in option.items() if key != "label_es"} for option in options]))
    if moved:
        connection.execute(translations.insert(), moved)
    with op.batch_alter_table('surveys') as batch_op:
        batch_op.drop_column('title_es')
        batch_op.drop_column('introduction_es')
    with op.batch_alter_table('survey_questions') as batch_op:
        batch_op.drop_column('prompt_es')
        batch_op.drop_column('help_text_es')


def downgrade():
    with op.batch_alter_table('surveys') as batch_op:
        batch_op.add_column(sa.Column('title_es', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('introduction_es', sa.Text(), nullable=True))
    with op.batch_alter_table('survey_questions') as batch_op:
        batch_op.add_column(sa.Column('prompt_es', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('help_text_es', sa.Text(), nullable=True))
    connection = op.get_bind()
    spanish = {}
    for scope, path, text in connection.execute(sa.select(translations.c.scope, translations.c.path, translations.c.text)
                                                .where(translations.c.scope.like('survey:%'),
                                                       translations.c.language == 'es',
                                                       translations.c.published_at.is_not(None))
                                                .order_by(translations.c.updated_at)):
        spanish[int(scope.split(':')[1]), path] = text  # the latest of each passage
    for (survey_id, path), text in spanish.items():
        if path in ("title", "introduction"):
            connection.execute(surveys.update().where(surveys.c.id == survey_id).values({f"{path}_es": text[:200]
                                                                                        if path == "title" else text}))
    for question in connection.execute(sa.select(questions)).all():
        values = {}
        for field in ("prompt", "help_text"):
            if (question.survey_id, f"question:{question.id}.{field}") in spanish:
                values[f"{field}_es"] = spanish[question.survey_id, f"question:{question.id}.{field}"]
        options = [{**option, "label_es": spanish.get((question.survey_id,
                                                       f"question:{question.id}.option:{option['key']}"))}
                   for option in question.options or []]
        connection.execute(questions.update().where(questions.c.id == question.id).values(options=options, **values))
    connection.execute(translations.delete().where(translations.c.scope.like('survey:%')))
