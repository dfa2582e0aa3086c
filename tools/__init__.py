"""Developer tools for dossier: the sample-scan generator and its helpers (not part of the pipeline)."""
