"""Field extraction parts, one job each:

values      raw text → normalised value, and the validation rules of each field
labels      one line of a form → (label, qualifier, value) segments and section headings
confidence  a value → its confidence from the OCR word confidences under it
"""
