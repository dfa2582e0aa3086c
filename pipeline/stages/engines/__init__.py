"""One module per external program the stages run (as OCRmyPDF's `_exec/`): Tesseract, poppler."""
