"""documents keep their ids across reprocessing; what each worker is doing

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

- superseded_document: a document that reprocessing its batch did not find again (its pages
  were split differently) leaves a row here, naming its successor: the document that now holds
  its first page. Documents found again (same source file, same page range) keep their id and
  never appear here. A table rather than a column of `document`: a dead row kept in `document`
  would have to be left out by every query that reads documents (search, review, reports).
- worker_status: one row per running daemon and worker process (its heartbeat, and the batch
  and page it is on), what `dossier status` reads. In the store rather than in a file of the
  data folder: daemons of a citywide PostgreSQL store run on other machines than the admin's.
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'superseded_document',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('office', sa.String(length=32), nullable=False),
        sa.Column('successor_id', sa.Integer(), nullable=True),
        sa.Column('pages', sa.Text(), nullable=False),
        sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('document_id'),
    )
    op.create_index('ix_superseded_document_batch_id', 'superseded_document', ['batch_id'])
    op.create_table(
        'worker_status',
        sa.Column('owner', sa.String(length=128), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('office', sa.String(length=32), nullable=False),
        sa.Column('host', sa.String(length=128), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=32), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.Text(), nullable=True),
        sa.Column('stage', sa.String(length=16), nullable=True),
        sa.Column('page', sa.Integer(), nullable=True),
        sa.Column('pages', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('owner'),
    )


def downgrade() -> None:
    op.drop_table('worker_status')
    op.drop_index('ix_superseded_document_batch_id', 'superseded_document')
    op.drop_table('superseded_document')
