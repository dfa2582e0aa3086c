"""Processing stages. Each is a module with one job and plain inputs and outputs:

rasterize  file → page sources (image and/or embedded text layer)
read       page source → page text (trusted text layer, or preprocess + OCR)
split      page texts → document page ranges
classify   document text → catalog type with a confidence
extract    document pages → validated fields
"""
