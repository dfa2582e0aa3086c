"""dossier: digitize citizens' dossiers at Ho Chi Minh City district offices.

Data flows one way: inbox → intake (validate, hash, archive) → queue → stages
(rasterize → text layer or OCR → split → classify → extract) → store/index.
"""

__version__ = "0.1.0"

import os as _os

# Tesseract's OpenMP threads fight each other when several workers OCR at once
# (measured: 5.8x slower when unset). Every dossier process is an OCR process,
# and the variable must be set before libgomp loads, so it is set here.
_os.environ["OMP_THREAD_LIMIT"] = "1"
