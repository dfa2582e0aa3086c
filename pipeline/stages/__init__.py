"""Processing stages. Each is a module with one job and plain inputs and outputs:

rasterize  file → page sources (image and/or embedded text layer)
read       page source → page text: the trusted text layer (textlayer), or
           preprocess (orientation, deskew, light, upscale) + OCR
split      page texts → document page ranges
classify   document text → catalog type with a confidence (training: its learned model)
extract    document pages → validated fields (labels, values, confidence)
review     whether a document needs a human, and how operators' corrections overrule the rest

engines/     one module per external program: tesseract, poppler
vietnamese/  Vietnamese syllables and personal names, shared by the stages above
"""
