"""first schema: batches, files, documents, pages, fields, events, OCR cache

Revision ID: 0001
Revises: 
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('error_code', sa.String(length=32), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('duplicate_of', sa.Integer(), nullable=True),
    sa.Column('available_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sa.String(length=128), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['duplicate_of'], ['batch.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,  # user-visible ids are never reused
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_batch_sha256'), ['sha256'], unique=False)
        batch_op.create_index('ix_batch_status_available', ['status', 'available_at'], unique=False)

    op.create_table('ocr_cache',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('batch_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch_id', 'ordinal')
    )
    with op.batch_alter_table('batch_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_file_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_batch_file_sha256'), ['sha256'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('doc_type', sa.String(length=64), nullable=False),
    sa.Column('doc_type_confidence', sa.Float(), nullable=False),
    sa.Column('doc_type_source', sa.String(length=16), nullable=False),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('review_reasons', sa.JSON(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch_id', 'ordinal'),
    sqlite_autoincrement=True,  # reprocessing refiles documents: a new one never gets an old id
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_doc_type'), ['doc_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_filed_at'), ['filed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_issue_date'), ['issue_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_needs_review'), ['needs_review'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('program', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_document_id'), ['document_id'], unique=False)

    op.create_table('field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_field_name_value', ['name', 'value'], unique=False)

    op.create_table('page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('batch_file_id', sa.Integer(), nullable=False),
    sa.Column('file_page', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['batch_file_id'], ['batch_file.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_document_id'), ['document_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_document_id'))

    op.drop_table('page')
    with op.batch_alter_table('field', schema=None) as batch_op:
        batch_op.drop_index('ix_field_name_value')
        batch_op.drop_index(batch_op.f('ix_field_document_id'))

    op.drop_table('field')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_document_id'))
        batch_op.drop_index(batch_op.f('ix_event_batch_id'))
        batch_op.drop_index(batch_op.f('ix_event_at'))

    op.drop_table('event')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_needs_review'))
        batch_op.drop_index(batch_op.f('ix_document_issue_date'))
        batch_op.drop_index(batch_op.f('ix_document_filed_at'))
        batch_op.drop_index(batch_op.f('ix_document_doc_type'))
        batch_op.drop_index(batch_op.f('ix_document_district'))
        batch_op.drop_index(batch_op.f('ix_document_batch_id'))

    op.drop_table('document')
    with op.batch_alter_table('batch_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_file_sha256'))
        batch_op.drop_index(batch_op.f('ix_batch_file_batch_id'))

    op.drop_table('batch_file')
    op.drop_table('ocr_cache')
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index('ix_batch_status_available')
        batch_op.drop_index(batch_op.f('ix_batch_sha256'))
        batch_op.drop_index(batch_op.f('ix_batch_district'))

    op.drop_table('batch')
