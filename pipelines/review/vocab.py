"""The review rules' vocabulary (pipelines/vocab/review.yaml), loaded once."""
from __future__ import annotations

from functools import lru_cache

from pipelines.vocabulary import _load


@lru_cache(maxsize=None)
def review_vocab() -> dict:
    return _load("review.yaml")
