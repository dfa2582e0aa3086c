"""offices and procedures: office on batch, document and event; receipts per office; a smaller search index

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

- batch.district and document.district become `office` (wards and communes have offices
  of their own since 2025); every event gets the office of its batch.
- batch.received_at (when the dossier finished arriving: old rows take created_at),
  batch.first_copy (the batch of another office that received the same content first),
  batch.procedure, procedure_source and missing_documents (configs/procedures.toml).
- indexes for what every office asks per office: its receipts by content (duplicates are
  found within the office), by arrival (reports), its events by action and time.
- the word index shrinks to about a third (issue 14): on SQLite a contentless FTS5 table
  (it kept a copy of every indexed word, four times the page text) beside the words it was
  given, compressed, which its deletes need; on PostgreSQL each document's words as text
  with a GIN index over the lexemes an SQL function derives from them, instead of a
  tsvector with positions per document (sequences are checked against the words themselves).

The search tables are created empty and the recorded index format is removed: the next
`dossier init` rebuilds the index with the code of the time, as after revision 0003.
Renames are plain ALTER TABLE on both backends: rebuilding `batch` on SQLite (Alembic's
batch mode) would drop it, and with foreign keys on that deletes the rows that cascade.
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The lexemes of one document, from its words as stored (space-separated, padded with a space
# at each end): its folded words, its exact words marked "=", the pairs of adjacent folded
# words joined by "_" (none across "_", which stands between pages and fields), its filter
# words marked "#". COST: evaluating it on a row means reading and splitting the row's words,
# so the planner runs a query's cheap conditions on the words first. pipeline/search/postgres.py
# queries exactly this expression (its GIN index serves no other); pipeline.search.match makes
# the same pairs for SQLite's FTS5 columns, and a test holds the two to the same lexemes.
LEXEMES_FUNCTION = """
CREATE FUNCTION dossier_search_lexemes(folded text, exact text, meta text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 5000 AS $$
  WITH words AS (
    SELECT w, lead(w) OVER (ORDER BY n) AS next
    FROM unnest(string_to_array(btrim(folded), ' ')) WITH ORDINALITY AS t(w, n))
  SELECT array_to_tsvector(array(
    SELECT w FROM words WHERE w NOT IN ('', '_')
    UNION SELECT w || '_' || next FROM words WHERE w NOT IN ('', '_') AND next NOT IN ('', '_')
    UNION SELECT '=' || w FROM unnest(string_to_array(btrim(exact), ' ')) AS w WHERE w NOT IN ('', '_')
    UNION SELECT '#' || w FROM unnest(string_to_array(btrim(meta), ' ')) AS w WHERE w <> ''))
$$
"""


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in ('batch', 'document'):
        op.execute(f'DROP INDEX ix_{table}_district')
        op.execute(f'ALTER TABLE {table} RENAME COLUMN district TO office')
        op.create_index(f'ix_{table}_office', table, ['office'])

    # No foreign key: SQLite cannot drop a column that has one (downgrade); batches are never deleted.
    op.add_column('batch', sa.Column('first_copy', sa.Integer(), nullable=True))
    op.add_column('batch', sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('batch', sa.Column('procedure', sa.String(length=64), nullable=True))
    op.add_column('batch', sa.Column('procedure_source', sa.String(length=16), nullable=True))
    op.add_column('batch', sa.Column('missing_documents', sa.JSON(), nullable=True))
    op.execute('UPDATE batch SET received_at = created_at')
    op.create_index('ix_batch_office_sha256', 'batch', ['office', 'sha256'])
    op.create_index('ix_batch_office_received_at', 'batch', ['office', 'received_at'])

    op.add_column('event', sa.Column('office', sa.String(length=32), nullable=True))
    op.execute('UPDATE event SET office = (SELECT batch.office FROM batch WHERE batch.id = event.batch_id)')
    op.create_index('ix_event_office_action_at', 'event', ['office', 'action', 'at'])

    if sqlite:
        op.execute('DROP TRIGGER search_fts_document_deleted')
        op.execute('DROP TABLE search_fts')
        # Contentless: FTS5 keeps no copy of the words, so deleting a row needs the words it was
        # given. search_document keeps a document's exact words (zlib-compressed, a blob only the
        # application reads) and its filter words; the exact, folded and pair columns derive
        # from them by functions the application registers on its connections
        # (pipeline/search/sqlite.py). A connection without them cannot delete a document: it
        # fails rather than leave words in the index.
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(exact, folded, pairs, meta, content='', "
                   "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")")
        op.execute('CREATE TABLE search_document ('
                   'document_id INTEGER NOT NULL PRIMARY KEY, words BLOB NOT NULL, meta TEXT NOT NULL)')
        op.execute('CREATE TRIGGER search_document_deleted AFTER DELETE ON document BEGIN '
                   "INSERT INTO search_fts (search_fts, rowid, exact, folded, pairs, meta) "
                   "SELECT 'delete', document_id, dossier_search_exact(words), dossier_search_folded(words), "
                   "dossier_search_pairs(words), meta FROM search_document WHERE document_id = old.id; "
                   'DELETE FROM search_document WHERE document_id = old.id; END')
    else:
        op.execute('DROP TABLE search_document')
        op.execute('CREATE TABLE search_document ('
                   'document_id integer PRIMARY KEY REFERENCES document(id) ON DELETE CASCADE, '
                   'folded text NOT NULL, exact text NOT NULL, meta text NOT NULL)')
        op.execute(LEXEMES_FUNCTION)
        op.execute('CREATE INDEX ix_search_document_lexemes ON search_document '
                   'USING gin (dossier_search_lexemes(folded, exact, meta))')
    op.execute("DELETE FROM store_meta WHERE key = 'search_index'")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('DROP TRIGGER search_document_deleted')
        op.execute('DROP TABLE search_document')
        op.execute('DROP TABLE search_fts')
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(exact, folded, pairs, exact_pairs, meta, "
                   "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")")
        op.execute("CREATE TRIGGER search_fts_document_deleted AFTER DELETE ON document "
                   "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END")
    else:
        op.execute('DROP TABLE search_document')
        op.execute('DROP FUNCTION dossier_search_lexemes(text, text, text)')
        op.execute("CREATE TABLE search_document ("
                   "document_id integer PRIMARY KEY REFERENCES document(id) ON DELETE CASCADE, "
                   "words tsvector NOT NULL)")
        op.execute("CREATE INDEX ix_search_document_words ON search_document USING gin (words)")
    op.execute("DELETE FROM store_meta WHERE key = 'search_index'")

    op.drop_index('ix_event_office_action_at', 'event')
    op.execute('ALTER TABLE event DROP COLUMN office')
    op.drop_index('ix_batch_office_received_at', 'batch')
    op.drop_index('ix_batch_office_sha256', 'batch')
    for column in ('missing_documents', 'procedure_source', 'procedure', 'received_at', 'first_copy'):
        op.execute(f'ALTER TABLE batch DROP COLUMN {column}')
    for table in ('batch', 'document'):
        op.drop_index(f'ix_{table}_office', table)
        op.execute(f'ALTER TABLE {table} RENAME COLUMN office TO district')
        op.create_index(f'ix_{table}_district', table, ['district'])
