"""What operators and admins ask for, built on the office: ingest, reprocess, corrections, export, stats."""
