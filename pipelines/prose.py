"""Amounts stated in the document's prose (第三部分 说明), with the sentence they came from."""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import pandas as pd
import yaml

from pipelines.model import PROSE_COLUMNS, ExtractedDocument, empty_frame
from pipelines.money import to_yuan
from pipelines.vocabulary import VOCAB_DIR, normalise_quotes

_AMOUNT = re.compile(r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万元|元)")
_SENTENCE = re.compile(r"[^。；;\n]*[。；;]?")
_YEAR = re.compile(r"(20\d\d)年")


@lru_cache(maxsize=None)
def _rules() -> dict:
    with open(VOCAB_DIR / "prose.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def classify(clause: str, sentence: str) -> str | None:
    spec = _rules()
    clause = normalise_quotes(clause)
    tail = clause[-8:]
    if any(word in tail for word in spec["change_words"]):
        return "change_vs_prior_year"
    for rule in spec["rules"]:
        if not all(w in clause for w in rule.get("all", [])):
            continue
        if any(w in clause for w in rule.get("none", [])):
            continue
        if rule.get("any") and not any(w in clause for w in rule["any"]):
            continue
        if rule.get("context") and rule["context"] not in normalise_quotes(sentence):
            continue
        return rule["topic"]
    return None


def _sentences(text: str):
    # prose lines wrap mid-sentence: join lines, then split on sentence ends
    joined = re.sub(r"\s*\n\s*", "", text)
    for match in _SENTENCE.finditer(joined):
        sentence = match.group(0).strip()
        if sentence:
            yield sentence


def prose_amounts(doc: ExtractedDocument) -> list[dict]:
    rows = []
    for page, text in doc.prose_pages:
        for sentence in _sentences(text):
            previous_end = 0
            if any(word in sentence for word in _rules()["ignore_sentences_with"]):
                continue
            for match in _AMOUNT.finditer(sentence):
                clause = sentence[previous_end:match.start()]
                previous_end = match.end()
                # the clause starts after the last comma-like boundary, but keeps its subject words
                boundary = max(clause.rfind(x) for x in "，,：:")
                head = clause[boundary + 1:] if boundary >= 0 and len(clause[boundary + 1:]) >= 2 else clause
                topic = classify(head, sentence) or (classify(clause, sentence) if head != clause else None)
                if topic is None:
                    continue
                years = _YEAR.findall(clause)
                year = int(years[-1]) if years else doc.info.fiscal_year
                if "上年" in clause and topic != "change_vs_prior_year" and doc.info.fiscal_year:
                    year = doc.info.fiscal_year - 1
                amount = Decimal(match.group("number").replace(",", ""))
                if topic == "change_vs_prior_year" and ("减少" in clause[-8:] or "下降" in clause[-8:]):
                    amount = -amount
                rows.append({"document_id": doc.info.document_id, "topic": topic, "fiscal_year": year,
                             "amount": amount, "unit": match.group("unit"),
                             "amount_yuan": to_yuan(amount, match.group("unit")), "page": page,
                             "sentence": sentence})
    return rows


def build_prose_amounts(doc: ExtractedDocument) -> pd.DataFrame:
    rows = prose_amounts(doc)
    if not rows:
        return empty_frame(PROSE_COLUMNS)
    frame = pd.DataFrame(rows, columns=PROSE_COLUMNS)
    frame["page"] = frame["page"].astype("Int64")
    frame["fiscal_year"] = frame["fiscal_year"].astype("Int64")
    return frame
