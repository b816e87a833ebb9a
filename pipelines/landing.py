"""The landing folder: where new disclosure PDFs arrive, and reading each file's budget year cheaply.

Plain Python (no Dagster): the sensor, the partitioned assets and the CLI use these helpers.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from pipelines.inputs import UnreadableInput, find_inputs, read_sha256
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
    """The readable kind of input: regular PDF files named directly or found below the named
    folders, in a stable order (pipelines.inputs.find_inputs says what is wrong with the others).

    Raises FileNotFoundError naming a path that does not exist."""
    for given in paths:
        if not os.path.lexists(given):
            raise FileNotFoundError(f"Input path not found: {given}")
    return [Path(item.path) for item in find_inputs(paths) if item.problem is None]


def read_budget_year(path: str | Path) -> int | None:
    """The fiscal year of the document's title (20xx年…部门预算 / 单位预算 / 部门决算 / 单位决算),
    else of the year-and-kind phrase it prints most often; None when the file cannot be read or
    names no such year (never guessed). The same reading as documents.fiscal_year."""
    try:
        texts = triage_pdf(path).page_texts
    except DocumentError:
        return None
    return printed_year(texts)


def new_files_by_year(paths: list[str | Path], seen: set[str], file_sha256=read_sha256
                      ) -> tuple[dict[int, dict[str, str]], dict[str, str], dict[str, str]]:
    """Files below ``paths`` whose content hash is not in ``seen``, grouped by budget year.

    Returns ({year: {sha256: path}}, {sha256: path} of files whose year cannot be read,
    {path: what is wrong} of paths that cannot be read at all). Same bytes under two names count
    once (the first path in a stable order)."""
    by_year: dict[int, dict[str, str]] = {}
    no_year: dict[str, str] = {}
    problems: dict[str, str] = {}
    for item in find_inputs(paths):
        if item.problem is not None:
            problems[item.path] = item.problem
            continue
        try:
            sha = file_sha256(item.path)
        except UnreadableInput as error:
            problems[item.path] = str(error)
            continue
        if sha in seen or sha in no_year or any(sha in files for files in by_year.values()):
            continue
        year = read_budget_year(item.path)
        if year is None:
            no_year[sha] = item.path
        else:
            by_year.setdefault(year, {})[sha] = item.path
    return by_year, no_year, problems
