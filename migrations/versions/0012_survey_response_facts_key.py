"""Each survey response's combination of facts (relationship, language, schools) as one key, for the disclosure rule

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 14:00:00.000000

"""
import hashlib
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _facts_key(relationship, language, school_ids):
    # As engage.surveys.models.response_facts_key computes it today.
    canonical = "|".join([relationship or "", language or "", ",".join(str(i) for i in sorted(set(school_ids)))])
    return hashlib.sha256(canonical.encode()).hexdigest()


def upgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facts_key', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index('ix_survey_responses_survey_facts', ['survey_id', 'facts_key'], unique=False)
    connection = op.get_bind()
    schools = defaultdict(list)
    for response_id, school_id in connection.execute(
            sa.text("SELECT response_id, school_id FROM survey_response_schools")):
        schools[response_id].append(school_id)
    responses = connection.execute(
        sa.text("SELECT id, relationship_to_district, language FROM survey_responses")).all()
    update = sa.text("UPDATE survey_responses SET facts_key = :key WHERE id = :id")
    batch = [{"id": response_id, "key": _facts_key(relationship, language, schools.get(response_id, ()))}
             for response_id, relationship, language in responses]
    for start in range(0, len(batch), 5000):
        connection.execute(update, batch[start:start + 5000])


def downgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_survey_facts')
        batch_op.drop_column('facts_key')
