"""Amounts stated in the document's prose (第三部分 说明), with the sentence they came from."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pandas as pd
import yaml

from pipelines.model import PROSE_COLUMNS, ExtractedDocument, empty_frame
from pipelines.money import to_yuan
from pipelines.vocabulary import VOCAB_DIR, compact, normalise_quotes

_AMOUNT = re.compile(r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万元|元)")
_PASSAGE = re.compile(r"[^。\n]*。?")
_SENTENCE = re.compile(r"[^；;]*[；;]?")
_PAGE_NUMBER = re.compile(r"^\s*[—–-]*\s*\d{1,3}\s*[—–-]*\s*$")
_YEAR = re.compile(r"(20\d\d)年")
WRAPPED_LINE = 0.7  # a line this much of the page's longest line or more wraps into the next one


@lru_cache(maxsize=None)
def _rules() -> dict:
    with open(VOCAB_DIR / "prose.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def classify(clause: str, sentence: str, subject: str = "") -> str | None:
    """The topic of the amount after ``clause``; ``sentence`` is its passage (up to 。) and
    ``subject`` what that passage is about (its words before its first amount; a passage opening
    with 其中 continues the previous one's subject)."""
    spec = _rules()
    # justified lines print letter-spaced words (一 般 公 共 预 算): compare without whitespace
    clause, sentence, subject = (normalise_quotes(compact(t)) for t in (clause, sentence, subject))
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
        if rule.get("context") and rule["context"] not in sentence:
            continue
        if rule.get("subject") and rule["subject"] not in subject:
            continue
        return rule["topic"]
    return None


@dataclass
class Passage:
    """Text up to a 。, with the page each of its characters is printed on."""
    text: str
    pages: list[int]
    subject: str


def _page_text(text: str) -> str:
    """The page's lines joined where prose wraps, with a line break kept after a short line (a
    heading, a table title, a paragraph's last line). Page numbers (— 7 —) are not text."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not _PAGE_NUMBER.match(line)]
    width = max((_width(line) for line in lines), default=0)
    joined = ""
    for line in lines:
        joined += line + ("\n" if _width(line) < WRAPPED_LINE * width else "")
    return joined


def _width(line: str) -> int:
    """Printed width in half-width characters (a Chinese character is two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _passages(prose_pages: list[tuple[int, str]]):
    """The prose as passages, read across page breaks (a sentence may continue on the next page)."""
    text, pages, previous_page = "", [], None
    for page, page_text in prose_pages:
        if previous_page is not None and page != previous_page + 1:
            text, pages = text + "\n", pages + [previous_page]  # not consecutive: a hard break
        cleaned = _page_text(page_text)
        text, pages, previous_page = text + cleaned, pages + [page] * len(cleaned), page
    subject = ""
    for match in _PASSAGE.finditer(text):
        passage = match.group(0)
        if not passage.strip():
            continue
        first_amount = _AMOUNT.search(passage)
        own = passage[:first_amount.start()] if first_amount else passage
        subject = (subject + own) if passage.lstrip().startswith("其中") else own
        yield Passage(passage, pages[match.start():match.end()], subject)


def is_final_account(doc_kind: str | None) -> bool:
    return bool(doc_kind) and doc_kind.endswith("决算")


def budget_topic(topic: str, clause: str) -> str:
    """In a final account, the topic of an amount whose clause names the budget (年初预算为…)."""
    spec = _rules()
    if topic != "change_vs_prior_year" and any(w in compact(clause) for w in spec["final_budget_words"]):
        return topic + spec["final_budget_suffix"]
    return topic


def prose_amounts(doc: ExtractedDocument) -> list[dict]:
    final = is_final_account(doc.info.doc_kind)
    rows = []
    for passage in _passages(doc.prose_pages):
        for sentence_match in _SENTENCE.finditer(passage.text):
            sentence = sentence_match.group(0)
            offset = sentence_match.start()
            if not sentence.strip() or any(word in sentence for word in _rules()["ignore_sentences_with"]):
                continue
            previous_end = 0
            for match in _AMOUNT.finditer(sentence):
                clause = sentence[previous_end:match.start()]
                previous_end = match.end()
                # the clause starts after the last comma-like boundary, but keeps its subject words
                boundary = max(clause.rfind(x) for x in "，,：:")
                head = clause[boundary + 1:] if boundary >= 0 and len(clause[boundary + 1:]) >= 2 else clause
                topic = (classify(head, passage.text, passage.subject)
                         or (classify(clause, passage.text, passage.subject) if head != clause else None))
                if topic is None:
                    continue
                if final:
                    topic = budget_topic(topic, clause)
                years = _YEAR.findall(clause)
                year = int(years[-1]) if years else doc.info.fiscal_year
                if "上年" in clause and topic != "change_vs_prior_year" and doc.info.fiscal_year:
                    year = doc.info.fiscal_year - 1
                amount = Decimal(match.group("number").replace(",", ""))
                if topic == "change_vs_prior_year" and ("减少" in clause[-8:] or "下降" in clause[-8:]):
                    amount = -amount
                rows.append({"document_id": doc.info.document_id, "topic": topic, "fiscal_year": year,
                             "amount": amount, "unit": match.group("unit"),
                             "amount_yuan": to_yuan(amount, match.group("unit")),
                             "page": passage.pages[offset + match.start()], "sentence": sentence.strip()})
    return rows


def build_prose_amounts(doc: ExtractedDocument) -> pd.DataFrame:
    rows = prose_amounts(doc)
    if not rows:
        return empty_frame(PROSE_COLUMNS)
    frame = pd.DataFrame(rows, columns=PROSE_COLUMNS)
    frame["page"] = frame["page"].astype("Int64")
    frame["fiscal_year"] = frame["fiscal_year"].astype("Int64")
    return frame
