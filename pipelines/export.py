"""`budget export`: the warehouse's rows for the documents a user chooses, in three formats.

    OUT/parquet/<dataset>/fiscal_year=<year>/*.parquet   hive-partitioned; DECIMAL stays DECIMAL
    OUT/csv/<dataset>.csv                                 UTF-8 with BOM (Excel shows Chinese),
                                                          amounts as exact decimal text
    OUT/xlsx/<unit>-<year>-<kind>-<id>.xlsx               one workbook per document (pipelines.workbook)

Datasets: documents, facts, performance_indicators, prose_amounts and findings (the failed
checks, with unit and year). Each has its table's columns, plus fiscal_year (the document's)
where the table lacks one, so every dataset partitions by year. Filters choose documents: by
unit (its unit_key, or a part of its printed name), fiscal year and doc_kind; only loaded
documents are exported.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import workbook

FORMATS = ("parquet", "csv", "xlsx")
BOM = "\ufeff".encode("utf-8")


@dataclass(frozen=True)
class Filters:
    units: tuple[str, ...] = ()  # unit_key, or a part of unit_name
    years: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()

    def documents_sql(self) -> str:
        """SELECT the ids of the loaded documents these filters choose (literals quoted)."""
        conditions = ["d.status = 'loaded'"]
        if self.units:
            conditions.append("(" + " OR ".join(
                f"coalesce(d.unit_key, d.unit_name) = {_literal(u)} OR contains(d.unit_name, {_literal(u)})"
                for u in self.units) + ")")
        if self.years:
            conditions.append(f"d.fiscal_year IN ({', '.join(str(int(y)) for y in self.years)})")
        if self.kinds:
            conditions.append(f"d.doc_kind IN ({', '.join(_literal(k) for k in self.kinds)})")
        return f"SELECT d.document_id FROM documents d WHERE {' AND '.join(conditions)}"


@dataclass(frozen=True)
class Dataset:
    name: str
    select: str  # {documents} is replaced by the chosen documents' ids query
    order: str

    def sql(self, filters: Filters) -> str:
        return f"{self.select.format(documents=filters.documents_sql())} ORDER BY {self.order}"


DATASETS = (
    Dataset("documents", "SELECT * FROM documents WHERE document_id IN ({documents})",
            "fiscal_year, unit_name, document_id"),
    Dataset("facts", "SELECT * FROM facts WHERE document_id IN ({documents})",
            "document_id, table_code, row_no, side, measure, fiscal_year"),
    Dataset("performance_indicators",
            "SELECT i.*, d.fiscal_year FROM performance_indicators i "
            "JOIN documents d ON d.document_id = i.document_id WHERE i.document_id IN ({documents})",
            "document_id, page, project_name, level1, level2, level3"),
    Dataset("prose_amounts", "SELECT * FROM prose_amounts WHERE document_id IN ({documents})",
            "document_id, page, topic, fiscal_year"),
    Dataset("findings", "SELECT * FROM findings WHERE document_id IN ({documents})",
            "document_id, page NULLS LAST, severity, check_id, location"),
)
DATASETS_BY_NAME = {d.name: d for d in DATASETS}


@dataclass
class ExportSummary:
    rows: dict[str, int] = field(default_factory=dict)  # dataset -> rows exported
    paths: list[Path] = field(default_factory=list)


def export(con: duckdb.DuckDBPyConnection, out: Path, formats=FORMATS, filters: Filters = Filters()) -> ExportSummary:
    """Write the chosen documents' rows under ``out`` in each of ``formats``."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown export format(s) {sorted(unknown)}; choose from {', '.join(FORMATS)}")
    out = Path(out)
    summary = ExportSummary()
    for dataset in DATASETS:
        sql = dataset.sql(filters)
        summary.rows[dataset.name] = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
        if "parquet" in formats and summary.rows[dataset.name]:
            summary.paths.append(write_parquet(con, sql, out / "parquet" / dataset.name))
        if "csv" in formats:
            summary.paths.append(write_csv(con, sql, out / "csv" / f"{dataset.name}.csv"))
    if "xlsx" in formats:
        summary.paths += write_workbooks(con, filters, out / "xlsx")
    return summary


def write_parquet(con, sql: str, folder: Path) -> Path:
    """One hive-partitioned Parquet dataset (fiscal_year=…/ folders), replacing an earlier one."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({sql}) TO {_literal(str(folder))} (FORMAT parquet, PARTITION_BY (fiscal_year))").fetchall()
    return folder


def write_csv(con, sql: str, path: Path) -> Path:
    """CSV with a header, UTF-8 with a byte-order mark; DuckDB writes DECIMAL values exactly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = path.with_name(f".{path.name}.tmp")
    try:
        con.execute(f"COPY ({sql}) TO {_literal(str(plain))} (FORMAT csv, HEADER)").fetchall()
        with open(path, "wb") as target, open(plain, "rb") as source:
            target.write(BOM)
            shutil.copyfileobj(source, target)
    finally:
        plain.unlink(missing_ok=True)
    return path


def write_workbooks(con, filters: Filters, folder: Path) -> list[Path]:
    cursor = con.execute(f"SELECT * FROM documents WHERE document_id IN ({filters.documents_sql()}) "
                         "ORDER BY fiscal_year, unit_name, document_id")
    names = [d[0] for d in cursor.description]
    documents = [dict(zip(names, row)) for row in cursor.fetchall()]
    paths = []
    for document in documents:
        cursor = con.execute("SELECT * FROM findings WHERE document_id = ?", [document["document_id"]])
        columns = [d[0] for d in cursor.description]
        findings = [dict(zip(columns, row)) for row in cursor.fetchall()]
        paths.append(workbook.write_workbook(con, document, findings, folder / workbook_name(document)))
    return paths


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def workbook_name(document: dict) -> str:
    parts = [document.get("unit_name") or "unit", str(document.get("fiscal_year") or ""),
             document.get("doc_kind") or "", document["document_id"][:12]]
    return "-".join(_UNSAFE.sub("_", p) for p in parts if p) + ".xlsx"


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"
