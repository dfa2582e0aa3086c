"""search index: word index (FTS5 / tsvector), field keys, name vocabulary; backfilled

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

SQLite: an FTS5 table of pre-folded words, kept clean by a trigger on document
deletes. PostgreSQL: a table of one tsvector per document with a GIN index,
rows deleted with their document. Both: search_field (field keys) and search_term (the
words of person names, for the fuzzy fallback).

The tables are created empty. Filling them is not a migration's job: the index is
derived from documents and fields, by whatever code indexes them at the time, and
`dossier init` rebuilds it whenever the store's index format (table store_meta,
revision 0003) is not the running dossier's. So this revision imports nothing of
the application and upgrades an old store the same way forever.
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('search_field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('person', sa.Boolean(), nullable=False),
    sa.Column('exact', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('search_field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_field_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_search_field_key', ['key', 'document_id'], unique=False)
        batch_op.create_index('ix_search_field_exact', ['exact', 'document_id'], unique=False)

    op.create_table('search_term',
    sa.Column('term', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('term')
    )

    if op.get_bind().dialect.name == 'sqlite':
        # Words arrive tokenized, case-folded and (in `folded`) accent-folded by
        # pipeline.search.terms; FTS5 must not fold again (it would miss đ anyway).
        # "_" joins the two words of a pair (and the parts of a `meta` word), and
        # occurs in no other word.
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(exact, folded, pairs, exact_pairs, meta, "
                   "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")")
        op.execute("CREATE TRIGGER search_fts_document_deleted AFTER DELETE ON document "
                   "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END")
    else:
        # One tsvector: folded words, "="-marked exact words, their pairs, filter words,
        # so that every query is one GIN scan (pipeline/search/postgres.py).
        op.execute("CREATE TABLE search_document ("
                   "document_id integer PRIMARY KEY REFERENCES document(id) ON DELETE CASCADE, "
                   "words tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_search_document_words ON search_document USING gin (words)")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER search_fts_document_deleted")
        op.execute("DROP TABLE search_fts")
    else:
        op.execute("DROP TABLE search_document")
    op.drop_table('search_term')
    with op.batch_alter_table('search_field', schema=None) as batch_op:
        batch_op.drop_index('ix_search_field_exact')
        batch_op.drop_index('ix_search_field_key')
        batch_op.drop_index(batch_op.f('ix_search_field_document_id'))

    op.drop_table('search_field')
