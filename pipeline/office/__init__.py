"""A district office at work: the inbox, intake, the queue, workers and the daemon that runs them.

app.py         the context a command or worker runs with (settings, store, archive, catalog, engine)
watcher.py     when an inbox entry has finished arriving
inbox.py       taking a ready entry: intake, then removal from the inbox after the commit
intake.py      a file or folder → archived originals and a recorded batch
queue.py       claims and leases on the batches in the database
processing.py  one claimed batch through the stages, filed or failed
pages.py       page-reader processes: the pages of one batch read on every core, in order
worker.py      the worker processes and their supervision (the daemon's pool, `dossier ingest`'s workers)
daemon.py      `dossier watch`: all of the above, until stopped
"""
