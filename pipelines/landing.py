"""The landing folder: where new disclosure PDFs arrive, and reading each file's budget year cheaply.

Plain Python (no Dagster): the sensor, the partitioned assets and the CLI use these helpers.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.read.metadata import printed_year
from pipelines.model import DocumentError
from pipelines.triage import triage_pdf

from pipelines.settings import Settings

FIRST_BUDGET_YEAR = 2017


def landing_dir() -> Path:
    """BUDGET_LANDING_DIR if set, else data/raw under the project root."""
    return Settings.from_env().landing_dir


def budget_years(today: date | None = None) -> list[int]:
    """Fiscal years a disclosure can be for: 2017 up to next year (budgets appear early)."""
    today = today or date.today()
    return list(range(FIRST_BUDGET_YEAR, today.year + 2))


def find_pdfs(paths: list[str | Path]) -> list[Path]:
    """PDF files named directly or found below the named folders, in a stable order.

    Raises FileNotFoundError naming a path that does not exist."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"Input path not found: {given}")
    return found


def read_budget_year(path: str | Path) -> int | None:
    """The fiscal year of the document's title (20xx年…部门预算 / 单位预算 / 部门决算 / 单位决算),
    else of the year-and-kind phrase it prints most often; None when the file cannot be read or
    names no such year (never guessed). The same reading as documents.fiscal_year."""
    try:
        texts = triage_pdf(path).page_texts
    except DocumentError:
        return None
    return printed_year(texts)


def new_files_by_year(paths: list[str | Path], seen: set[str], file_sha256
                      ) -> tuple[dict[int, dict[str, str]], dict[str, str]]:
    """Files below ``paths`` whose content hash is not in ``seen``, grouped by budget year.

    Returns ({year: {sha256: path}}, {sha256: path} of files whose year cannot be read).
    Same bytes under two names count once (the first path in a stable order)."""
    by_year: dict[int, dict[str, str]] = {}
    no_year: dict[str, str] = {}
    for path in find_pdfs(paths):
        sha = file_sha256(path)
        if sha in seen or sha in no_year or any(sha in files for files in by_year.values()):
            continue
        year = read_budget_year(path)
        if year is None:
            no_year[sha] = str(path)
        else:
            by_year.setdefault(year, {})[sha] = str(path)
    return by_year, no_year
