"""The failed findings of some documents, without a warehouse: counts by category and severity, and
each finding's message.

    .venv/bin/python scripts/findings.py [--all] FILE.pdf ...

Completeness findings (amounts the reader did not capture) are counted but listed only with --all.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.model import DocumentError  # noqa: E402
from pipelines.process import process_document  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--all", action="store_true", help="list completeness findings too")
    args = parser.parse_args(argv)
    for path in args.files:
        try:
            result = process_document(path)
        except DocumentError as error:
            print(f"== {path.name}: not ingested: {error}")
            continue
        validation = result.validation
        failed = validation[~validation.passed]
        counts = Counter(zip(failed.category, failed.severity))
        shown = ", ".join(f"{category}/{severity} {n}" for (category, severity), n in sorted(counts.items()))
        print(f"== {path.name}: {len(validation)} checks, {len(failed)} failed ({shown or 'none'})")
        for row in failed.itertuples():
            if row.category != "completeness" or args.all:
                print(f"  [{row.severity} {row.category}] {row.check_id} | {row.location}\n      {row.message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
