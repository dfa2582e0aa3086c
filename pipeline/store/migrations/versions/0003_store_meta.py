"""store_meta: facts about the store itself, such as the format of its search index

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

A store upgraded to this revision holds no search-index format yet, so the next
`dossier init` rebuilds the index with the running code and records its format
(pipeline.store.repository.Store.init_schema).
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('store_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('store_meta')
