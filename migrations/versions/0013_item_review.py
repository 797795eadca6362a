"""Item review in two decisions: the items the filler changed after they were passed, and each
round's scores in the history

- ``assessment_item.changed_since_review``: the filler changed a passed item, so it is reviewed again;
- ``review_history.self_score``, ``assessed_score``, ``score_decision``: an item decision keeps what
  the filler claimed, what the reviewer fixed and whether it accepted (√) or overrode (×) the claim.
  Decisions recorded before this revision did not keep their scores; they stay empty.

Revision ID: 0013_item_review
Revises: 0012_sessions_that_end
Create Date: 2026-12-05 21:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013_item_review'
down_revision = '0012_sessions_that_end'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment_item') as batch:
        batch.add_column(sa.Column('changed_since_review', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('review_history') as batch:
        batch.add_column(sa.Column('self_score', sa.Numeric(6, 2), nullable=True))
        batch.add_column(sa.Column('assessed_score', sa.Numeric(6, 2), nullable=True))
        batch.add_column(sa.Column('score_decision', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('review_history') as batch:
        batch.drop_column('score_decision')
        batch.drop_column('assessed_score')
        batch.drop_column('self_score')
    with op.batch_alter_table('assessment_item') as batch:
        batch.drop_column('changed_since_review')
