"""The prior year's figures: what the prose says last year's amount was (比上年减少64.79万元 says it
was 107.05万元) against the prior-year column of this document's own tables, and — once the
warehouse holds it — against the prior year's document of the same unit.

    prior_year_table_findings(review)           prose.prior_year_table    (in the document)
    prior_year_document_findings(con)           cross_document rows, check ids ``prior_xdoc.*``
    refresh_prior_year_findings(con)            computes and writes them, one transaction

The prior-year document is the loaded document with the same unit_key, the same doc_kind and
fiscal_year one less. Its figure for a topic is the fact of vocab/review.yaml ``prior_year_columns``
at its own fiscal year, else (for ``prior_year_prose_topics``: totals, 三公, 机关运行经费, 政府采购)
the amount its own prose states for that year. Compared: (1) the prior year's amounts printed in this document's 三公 table
(its 上年 columns) against the prior document's 三公 table; (2) the base each prose comparison
implies (本年 − 增减额) against the prior document's figure of the same topic. The rows belong to
the newer document, like pipelines.crosscheck's (plain Python + duckdb, no Dagster).
"""
from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd

from pipelines.crosscheck import _frame
from pipelines.model import FACT_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS, empty_frame
from pipelines.prose import classify
from pipelines.review.claims import ChangeClaim, change_claims
from pipelines.review.context import Review
from pipelines.review.finding import Finding
from pipelines.review.numbers import UNITS, shown
from pipelines.review.vocab import review_vocab
from pipelines.warehouse import STATUS_LOADED, replace_check_rows

CHECK_PREFIX = "prior_xdoc"
TOPIC_NAMES = {"three_public_total": "“三公”经费", "overseas": "因公出国（境）费", "vehicle_subtotal": "公务用车购置及运行费",
               "vehicle_purchase": "公务用车购置费", "vehicle_operation": "公务用车运行维护费", "reception": "公务接待费"}
MEASURE_TOPICS = {"three_public_subtotal": "three_public_total", "total": "three_public_total",
                  "overseas": "overseas", "vehicle_subtotal": "vehicle_subtotal",
                  "vehicle_purchase": "vehicle_purchase", "vehicle_operation": "vehicle_operation",
                  "reception": "reception"}


def _prior_figure(facts: pd.DataFrame, topic: str | None, year: int):
    """The fact a topic's prior-year figure is printed in, or None."""
    for table_code, measure in review_vocab()["prior_year_columns"].get(topic or "", []):
        rows = facts[(facts.table_code == table_code) & (facts.measure == measure) & (facts.fiscal_year == year)]
        if len(rows) == 1:
            return rows.iloc[0]
    return None


def claim_topic(text: str, claim: ChangeClaim) -> str | None:
    """What the compared amount is: the clause before it, else its sentence, else the paragraph's head."""
    before = text[:claim.current.start]
    clause = before[max(before.rfind(c) for c in "，,；;。：:") + 1:]
    for candidate in (clause, before[max(before.rfind(c) for c in "。；;") + 1:], before[:40]):
        topic = classify(candidate, candidate)
        if topic and topic != "change_vs_prior_year":
            return topic
    return None


def implied_base(claim: ChangeClaim) -> Decimal | None:
    """Last year's amount in 元 as the claim states or implies it."""
    if claim.base is not None:
        return claim.base.yuan
    if claim.flat:
        return claim.current.yuan
    if claim.delta is not None and claim.sign in (1, -1):
        return claim.current.yuan - claim.sign * claim.delta.yuan
    if claim.delta is not None and claim.delta.value == 0:
        return claim.current.yuan
    return None


def _compares_with_prior_year(claim: ChangeClaim, year: int) -> bool:
    return claim.base_year == year - 1 or (claim.base_year is None and "上" in claim.base_words)


def _allowed(claim: ChangeClaim, fact_step: Decimal) -> Decimal:
    halves = claim.current.step_yuan / 2 + (claim.delta.step_yuan / 2 if claim.delta else 0)
    allowed = halves + fact_step / 2
    if claim.flat and claim.flat.startswith("基本"):
        allowed = max(allowed, abs(claim.current.yuan) * Decimal("0.05"))
    return allowed


def _fact_step(fact) -> Decimal:
    exponent = shown(fact.amount).as_tuple().exponent
    return Decimal(1).scaleb(min(exponent, 0)) * UNITS[fact.unit]


def prior_year_table_findings(review: Review) -> list[Finding]:
    if review.year is None or review.facts.empty:
        return []
    facts = review.facts[review.facts.fiscal_year == review.year - 1]
    if facts.empty:
        return []
    findings = []
    for paragraph in review.paragraphs:
        for claim in change_claims(paragraph.text, review.year):
            if not _compares_with_prior_year(claim, review.year):
                continue
            base = implied_base(claim)
            topic = claim_topic(paragraph.text, claim)
            fact = _prior_figure(facts, topic, review.year - 1)
            if base is None or fact is None:
                continue
            sentence = paragraph.sentence_at(claim.start)
            table_yuan = Decimal(fact.amount_yuan)
            unit = claim.current.unit
            if abs(base - table_yuan) <= _allowed(claim, _fact_step(fact)):
                findings.append(Finding("prose.prior_year_table", sentence.page, "上年数与表中上年栏相符", "", "",
                                        sentence.text, passed=True))
                continue
            findings.append(Finding(
                "prose.prior_year_table", sentence.page,
                f"说明所述上年数与本文件表中上年数不符：按“{claim.word or claim.flat}”推算上年"
                f"{TOPIC_NAMES.get(topic, topic)}为{base / UNITS[unit]:,.2f}{unit}，"
                f"而第{int(fact.page)}页表中上年数为{shown(fact.amount)}{fact.unit}",
                _claim_text(claim), f"与表中上年数{shown(fact.amount)}{fact.unit}相符的增减额（或改正表中上年数）",
                sentence.text, table_code=str(fact.table_code),
                expected=table_yuan / UNITS[unit], actual=base / UNITS[unit], unit=unit if unit in ("元", "万元") else None))
    return findings


def _claim_text(claim: ChangeClaim) -> str:
    if claim.flat:
        return f"{claim.current.text}，与{claim.base_words}{claim.flat}"
    change = f"{claim.word}{claim.delta.text}" if claim.delta else f"{claim.word}"
    return f"{claim.current.text}，比{claim.base_words}{change}"


# ---------------------------------------------------------------- against the prior-year document
def document_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, str]]:
    """(document, its prior-year document, year, kind) for loaded documents of the same unit_key and kind."""
    return con.execute(
        """
        SELECT d.document_id, p.document_id, d.fiscal_year, d.doc_kind
        FROM documents d JOIN documents p
          ON d.unit_key = p.unit_key AND d.doc_kind = p.doc_kind AND p.fiscal_year = d.fiscal_year - 1
        WHERE d.status = ? AND p.status = ? AND d.unit_key IS NOT NULL
        ORDER BY d.document_id, p.document_id
        """, [STATUS_LOADED, STATUS_LOADED]).fetchall()


def compare_with_prior_document(facts: pd.DataFrame, sentences: pd.DataFrame, prior_facts: pd.DataFrame,
                                document_id: str, prior_id: str, year: int, prior_label: str,
                                prior_prose: pd.DataFrame | None = None) -> pd.DataFrame:
    """Validation rows of ``document_id`` comparing its prior-year figures with its prior-year document
    (its tables, else what its prose states for the topics of ``prior_year_prose_topics``)."""
    rows = [f.row(document_id) for f in
            _table_columns_vs_prior(facts, prior_facts, year, prior_label)
            + _prose_vs_prior(sentences, prior_facts, year, prior_label, prior_prose)]
    return pd.DataFrame(rows, columns=VALIDATION_COLUMNS) if rows else empty_frame(VALIDATION_COLUMNS)


def _table_columns_vs_prior(facts, prior_facts, year, prior_label) -> list[Finding]:
    findings = []
    printed = facts[(facts.table_code == "three_public") & (facts.fiscal_year == year - 1)]
    for fact in printed.itertuples():
        topic = MEASURE_TOPICS.get(fact.measure)
        other = _prior_figure(prior_facts, topic, year - 1)
        if other is None:
            continue
        same = abs(Decimal(fact.amount_yuan) - Decimal(other.amount_yuan)) <= max(_fact_step(fact), _fact_step(other)) / 2
        name = TOPIC_NAMES.get(topic, fact.measure)
        findings.append(Finding(
            f"{CHECK_PREFIX}.three_public_prior_column", int(fact.page),
            f"本文件“三公”经费表中{year - 1}年{name}与{prior_label}（第{int(other.page)}页）不符" if not same
            else f"“三公”经费表上年{name}与上年文件相符",
            f"{shown(fact.amount)}{fact.unit}", f"{shown(other.amount)}{other.unit}（{prior_label}所列）",
            f"{name}（{year - 1}年）",
            category="cross_document", table_code="three_public", expected=Decimal(other.amount_yuan) / UNITS[fact.unit],
            actual=shown(fact.amount), unit=fact.unit, passed=same))
    return findings


def _stated_in_prior(prior_prose: pd.DataFrame | None, topic: str | None, year: int):
    """The prior document's own statement of a topic's amount for its year (the first one)."""
    if prior_prose is None or prior_prose.empty or topic not in review_vocab()["prior_year_prose_topics"]:
        return None
    rows = prior_prose[(prior_prose.topic == topic) & (prior_prose.fiscal_year == year)]
    return rows.iloc[0] if len(rows) else None


def _prose_vs_prior(sentences: pd.DataFrame, prior_facts, year, prior_label, prior_prose=None) -> list[Finding]:
    findings = []
    seen = set()
    for row in sentences.itertuples():
        if row.sentence in seen:
            continue
        seen.add(row.sentence)
        for claim in change_claims(row.sentence, year):
            if not _compares_with_prior_year(claim, year):
                continue
            base = implied_base(claim)
            topic = claim_topic(row.sentence, claim)
            other = _prior_figure(prior_facts, topic, year - 1)
            if other is None:
                other = _stated_in_prior(prior_prose, topic, year - 1)
            if base is None or other is None:
                continue
            same = abs(base - Decimal(other.amount_yuan)) <= _allowed(claim, _fact_step(other))
            unit = claim.current.unit
            findings.append(Finding(
                f"{CHECK_PREFIX}.prose_prior_year", int(row.page),
                f"说明所述上年{TOPIC_NAMES.get(topic, topic)}（推算为{base / UNITS[unit]:,.2f}{unit}）与"
                f"{prior_label}第{int(other.page)}页所列{shown(other.amount)}{other.unit}不符" if not same
                else "说明所述上年数与上年文件相符",
                _claim_text(claim), f"与{prior_label}相符的增减额（上年为{shown(other.amount)}{other.unit}）",
                row.sentence,
                category="cross_document", expected=Decimal(other.amount_yuan) / UNITS[unit], actual=base / UNITS[unit],
                unit=unit if unit in ("元", "万元") else None, passed=same))
    return findings


def prior_year_document_findings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frames = []
    for document_id, prior_id, year, kind in document_pairs(con):
        facts = _frame(con, f"SELECT {', '.join(FACT_COLUMNS)} FROM facts WHERE document_id = ?", [document_id])
        prior = _frame(con, f"SELECT {', '.join(FACT_COLUMNS)} FROM facts WHERE document_id = ?", [prior_id])
        sentences = _frame(con, "SELECT DISTINCT page, sentence FROM prose_amounts WHERE document_id = ? "
                                "ORDER BY page, sentence", [document_id])
        prior_prose = _frame(con, f"SELECT {', '.join(PROSE_COLUMNS)} FROM prose_amounts WHERE document_id = ? "
                                  "ORDER BY page", [prior_id])
        label = f"{year - 1}年{kind}"
        frame = compare_with_prior_document(facts, sentences, prior, document_id, prior_id, year, label, prior_prose)
        if not frame.empty:
            frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else empty_frame(VALIDATION_COLUMNS)


def refresh_prior_year_findings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Recompute the prior-year rows of every loaded document and replace the old ones, in one
    transaction (a pair that no longer exists leaves no stale rows). Returns the rows written."""
    return replace_check_rows(con, CHECK_PREFIX, lambda: prior_year_document_findings(con))
