"""Processing stages. Each is a module with one job and plain inputs and outputs:

rasterize  file → page sources (image and/or embedded text layer)
read       page source → page text: the trusted text layer (textlayer), or
           preprocess (orientation, deskew, light, upscale) + OCR (ocr)
split      page texts → document page ranges
classify   document text → catalog type with a confidence
extract    document pages → validated fields (fields/: labels, values, confidence;
           names: lexicon repair of OCR'd names)
"""
