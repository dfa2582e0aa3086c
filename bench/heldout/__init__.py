"""Held-out evaluation set generator for dossier field extraction (see README.md)."""
