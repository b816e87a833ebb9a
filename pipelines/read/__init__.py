"""PDF -> ExtractedDocument: the reader, as a chain of small stages (one module each).

    pages     one pdfplumber pass per wanted page: text lines and ruled grids
    grid      a pdfplumber table as a grid of cells that knows its merged spans
    pieces    one grid with what surrounds it: title, unit, caption rows, header rows, body, note
    stitch    pieces -> logical tables across continuation pages, with named row repairs
    forms     performance-target forms
    metadata  unit, supervisor, year, kind and region as printed

pipelines.ingest.extract_document runs the chain after triage.
"""
