"""audit: who did it, and an append-only, hash-chained event log

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

- event.actor: who (the operator name configured, or the OS account); null on older events.
- event.prev_hash, event.hash: each event carries the SHA-256 of its canonical form, which
  covers the hash of the event before it (id order). The events already recorded are
  chained here, oldest first, exactly as pipeline/store/audit.py chains new ones (a frozen
  copy of its canonical form: a test holds the two together).
- triggers refuse UPDATE and DELETE on event (and TRUNCATE on PostgreSQL): the log is
  append-only. event.batch_id keeps its ON DELETE SET NULL of revision 0001: that action is
  an UPDATE, which the triggers refuse, so a batch with events cannot be deleted (batches
  are never deleted; the archive and the event log are the canonical record).
"""

import datetime as dt
import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

GENESIS = '0' * 64
CHUNK = 1000

PG_FUNCTION = """
CREATE FUNCTION dossier_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the event log is append-only: % on event refused', TG_OP;
END $$
"""

_event = sa.table(
    'event',
    sa.column('id', sa.Integer()), sa.column('at', sa.DateTime(timezone=True)), sa.column('office', sa.String()),
    sa.column('batch_id', sa.Integer()), sa.column('document_id', sa.Integer()), sa.column('action', sa.String()),
    sa.column('outcome', sa.String()), sa.column('detail', sa.Text()), sa.column('duration_ms', sa.Integer()),
    sa.column('pages', sa.Integer()), sa.column('program', sa.String()), sa.column('actor', sa.String()),
    sa.column('prev_hash', sa.String()), sa.column('hash', sa.String()),
)


def _canonical(row, prev_hash: str) -> bytes:
    """Frozen copy of pipeline.store.audit.canonical (as of this revision)."""
    at = row.at if isinstance(row.at, dt.datetime) else dt.datetime.fromisoformat(str(row.at))
    at = at.astimezone(dt.timezone.utc) if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
    values = [at.strftime('%Y-%m-%dT%H:%M:%S.%fZ'), row.office, row.batch_id, row.document_id, row.action,
              row.outcome, row.detail, row.duration_ms, row.pages, row.program, row.actor, prev_hash]
    return json.dumps(values, ensure_ascii=True, separators=(',', ':')).encode('ascii')


def _chain_existing(connection) -> None:
    head, last_id = GENESIS, 0
    while True:
        rows = connection.execute(sa.select(_event).where(_event.c.id > last_id)
                                  .order_by(_event.c.id).limit(CHUNK)).all()
        if not rows:
            return
        updates = []
        for row in rows:
            digest = hashlib.sha256(_canonical(row, head)).hexdigest()
            updates.append({'row_id': row.id, 'prev': head, 'digest': digest})
            head, last_id = digest, row.id
        connection.execute(_event.update().where(_event.c.id == sa.bindparam('row_id'))
                           .values(prev_hash=sa.bindparam('prev'), hash=sa.bindparam('digest')), updates)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column('event', sa.Column('actor', sa.String(length=64), nullable=True))
    op.add_column('event', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('event', sa.Column('hash', sa.String(length=64), nullable=True))
    _chain_existing(op.get_bind())
    if sqlite:
        for operation in ('UPDATE', 'DELETE'):
            op.execute(f'CREATE TRIGGER event_append_only_{operation.lower()} BEFORE {operation} ON event '
                       f"BEGIN SELECT RAISE(ABORT, 'the event log is append-only: {operation} on event refused'); END")
    else:
        op.execute(PG_FUNCTION)
        op.execute('CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event '
                   'FOR EACH ROW EXECUTE FUNCTION dossier_event_append_only()')
        op.execute('CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event '
                   'FOR EACH STATEMENT EXECUTE FUNCTION dossier_event_append_only()')


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('DROP TRIGGER event_append_only_update')
        op.execute('DROP TRIGGER event_append_only_delete')
    else:
        op.execute('DROP TRIGGER event_no_truncate ON event')
        op.execute('DROP TRIGGER event_append_only ON event')
        op.execute('DROP FUNCTION dossier_event_append_only()')
    for column in ('hash', 'prev_hash', 'actor'):
        op.execute(f'ALTER TABLE event DROP COLUMN {column}')
