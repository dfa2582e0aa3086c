"""Originals: the archive that keeps every dropped file unaltered, what kind of file each is, and export.

originals.py  the content-addressed, verified, read-only archive (`Archive.put`, `Archive.export`)
formats.py    what a file is, from its first bytes
export.py     writing originals back out, verified, never overwriting
"""
