"""Every setting of an ingestion in one validated object, read from the environment once.

    Settings.from_env() -> Settings

| variable | default | what |
|---|---|---|
| BUDGET_DUCKDB_PATH | data/warehouse/budget.duckdb | the warehouse file |
| BUDGET_LANDING_DIR | data/raw | the folder the sensor and year partitions read |
| BUDGET_REPORTS_DIR | reports/ beside the warehouse file | where review reports (HTML and .xlsx) are written |
| BUDGET_FILE_TIME_LIMIT | 300 | seconds one file may take before it fails alone |
| BUDGET_FILE_MEMORY_LIMIT | 2048 | MiB of memory one file's worker may use (beyond what it starts with) before it fails alone |
| BUDGET_DB_LOCK_TIMEOUT | 120 | seconds to wait for a warehouse another process holds |
| BUDGET_WORKERS | number of CPUs | files processed at once |
| BUDGET_MAX_PAGES | 2000 | a longer file fails as "not a budget disclosure" |

A value that is not a positive number is refused with a message naming the variable.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DATABASE_PATH_ENV = "BUDGET_DUCKDB_PATH"
LANDING_DIR_ENV = "BUDGET_LANDING_DIR"
REPORTS_DIR_ENV = "BUDGET_REPORTS_DIR"
FILE_TIME_LIMIT_ENV = "BUDGET_FILE_TIME_LIMIT"
FILE_MEMORY_LIMIT_ENV = "BUDGET_FILE_MEMORY_LIMIT"
LOCK_TIMEOUT_ENV = "BUDGET_DB_LOCK_TIMEOUT"
WORKERS_ENV = "BUDGET_WORKERS"
MAX_PAGES_ENV = "BUDGET_MAX_PAGES"

DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "warehouse" / "budget.duckdb"
DEFAULT_LANDING_DIR = PROJECT_ROOT / "data" / "raw"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database: Path = DEFAULT_DATABASE_PATH
    landing_dir: Path = DEFAULT_LANDING_DIR
    file_time_limit: float = 300.0  # seconds
    file_memory_limit_mb: int = 2048
    lock_timeout: float = 120.0  # seconds
    workers: int = max(1, os.cpu_count() or 1)
    max_pages: int = 2000
    reports_dir: Path | None = None  # None: reports/ beside the warehouse file

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            database=Path(env.get(DATABASE_PATH_ENV) or defaults.database),
            landing_dir=Path(env.get(LANDING_DIR_ENV) or defaults.landing_dir),
            file_time_limit=_positive(env, FILE_TIME_LIMIT_ENV, defaults.file_time_limit, float),
            file_memory_limit_mb=_positive(env, FILE_MEMORY_LIMIT_ENV, defaults.file_memory_limit_mb, int),
            lock_timeout=_positive(env, LOCK_TIMEOUT_ENV, defaults.lock_timeout, float, allow_zero=True),
            workers=_positive(env, WORKERS_ENV, defaults.workers, int),
            max_pages=_positive(env, MAX_PAGES_ENV, defaults.max_pages, int),
            reports_dir=Path(env[REPORTS_DIR_ENV]) if env.get(REPORTS_DIR_ENV) else None,
        )

    @property
    def report_folder(self) -> Path:
        return self.reports_dir or self.database.parent / "reports"

    def with_database(self, database: str | Path | None) -> Settings:
        return self if database is None else replace(self, database=Path(database))


def _positive(env: Mapping[str, str], name: str, default, kind, allow_zero: bool = False):
    text = env.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = kind(text.strip())
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a number; unset it or give a "
                            f"{'whole ' if kind is int else ''}number such as {default}") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise SettingsError(f"{name}={text!r} must be {'zero or ' if allow_zero else ''}positive "
                            f"(default {default})")
    return value


def current() -> Settings:
    """The settings of this process's environment."""
    return Settings.from_env()
