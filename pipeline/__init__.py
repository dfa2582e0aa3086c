"""dossier: digitize citizens' dossiers at Ho Chi Minh City district offices.

Data flows one way: inbox → intake (validate, hash, archive) → queue → stages
(rasterize → text layer or OCR → split → classify → extract) → store/index.
The packages follow that flow, each importing only those before it (README,
"Architecture"): basics, archive, stages, store, search, office, operations, cli.
"""

__version__ = "0.1.0"
