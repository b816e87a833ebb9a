"""What every review rule reads: the extracted document, its facts and prose amounts, and the prose
read as paragraphs and sentences (once per document)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from pipelines.model import DocumentInfo, ExtractedDocument
from pipelines.review.text import Paragraph, Prose, read_prose


@dataclass
class Review:
    doc: ExtractedDocument
    facts: pd.DataFrame
    prose_amounts: pd.DataFrame

    @property
    def info(self) -> DocumentInfo:
        return self.doc.info

    @property
    def year(self) -> int | None:
        return self.doc.info.fiscal_year

    @property
    def kind(self) -> str | None:
        return self.doc.info.doc_kind

    @property
    def is_final(self) -> bool:
        return bool(self.kind) and self.kind.endswith("决算")

    @cached_property
    def prose(self) -> Prose:
        return read_prose(self.doc)

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        return self.prose.paragraphs
