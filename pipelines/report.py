"""Corpus report: run the pipeline over a set of PDFs and say, per file, how well it did.

    corpus_report(paths, seconds=300, workers=2) -> DataFrame (one row per file, REPORT_COLUMNS)

Each file runs through pipelines.process in its own time-limited process, so a file that fails,
hangs or crashes only fails its own row. The figures are the ingestion's own: amount coverage is
pipelines.completeness (every amount printed on a table page, read from pypdfium2's text
independently of the table extraction, against the page's facts); invented facts are facts whose
amount is not printed on their page; identity clashes and anonymous facts are pipelines.identity.

CLI: ``python -m pipelines.report [FOLDER_OR_FILES...] [--markdown] [--seconds S] [--workers N]``
(default folder: ../shared/corpus beside the repository); always exits 0.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipelines.identity import anonymous_facts, identity_clashes
from pipelines.isolation import map_with_time_limit
from pipelines.landing import find_pdfs
from pipelines.process import DocumentResult, process_document

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MISSING_SHOWN = 12  # printed amounts listed per document

REPORT_COLUMNS = [
    "file", "status", "error", "unit", "year", "kind", "pages", "seconds", "tables", "unclassified",
    "facts", "indicators", "prose_amounts", "amounts_printed", "amounts_matched", "amount_coverage",
    "invented", "identity_clashes", "anonymous", "errors", "warnings", "missing",
]


def report_row(path: str) -> dict:
    """Run the pipeline on one file and measure it. Runs in a worker process."""
    return summarise(Path(path).name, process_document(path))


def summarise(name: str, result: DocumentResult) -> dict:
    info, completeness, validation = result.info, result.completeness, result.validation
    failed = validation[~validation["passed"].astype(bool)] if len(validation) else validation
    missing = [f"p{p.page}: {token}" for p in completeness.pages for token in p.missing] if completeness else []
    codes = list(dict.fromkeys(t.table_code for t in result.tables))
    return {
        "file": name, "status": "loaded", "error": "", "unit": info.unit_name, "year": info.fiscal_year,
        "kind": info.doc_kind, "pages": info.pages, "seconds": round(result.seconds, 2),
        "tables": codes, "unclassified": [t.title or f"p{t.pages[0]}" for t in result.tables
                                         if t.table_code.startswith("unclassified")],
        "facts": len(result.facts), "indicators": len(result.indicators), "prose_amounts": len(result.prose),
        "amounts_printed": completeness.printed if completeness else 0,
        "amounts_matched": completeness.matched if completeness else 0,
        "amount_coverage": completeness.coverage if completeness else None,
        "invented": len(completeness.invented) if completeness else 0,
        "identity_clashes": len(identity_clashes(result.facts)), "anonymous": len(anonymous_facts(result.facts)),
        "errors": int((failed["severity"] == "error").sum()) if len(failed) else 0,
        "warnings": int((failed["severity"] == "warning").sum()) if len(failed) else 0,
        "missing": missing,
    }


def _failed_row(path: str, error: BaseException) -> dict:
    row = {column: None for column in REPORT_COLUMNS}
    row.update(file=Path(path).name, status="failed", error=str(error).strip() or type(error).__name__,
               tables=[], unclassified=[], missing=[])
    return row


def corpus_report(paths: Iterable[str | Path], seconds: float = 300, workers: int = 2) -> pd.DataFrame:
    """One row per file (folders expand to their PDFs), in the order given."""
    files = [str(p) for p in find_pdfs(list(paths))]
    results: dict[str, dict] = {}
    for item, result in map_with_time_limit(report_row, files, seconds=seconds, workers=workers):
        results[item] = _failed_row(item, result) if isinstance(result, BaseException) else result
    return pd.DataFrame([results[f] for f in files], columns=REPORT_COLUMNS)


def totals(report: pd.DataFrame) -> dict:
    loaded = report[report["status"] == "loaded"]
    printed, matched = int(loaded["amounts_printed"].sum()), int(loaded["amounts_matched"].sum())
    return {"documents": len(report), "loaded": len(loaded), "failed": int((report["status"] == "failed").sum()),
            "amounts_printed": printed, "amounts_matched": matched,
            "coverage": round(matched / printed, 4) if printed else None,
            "invented": int(loaded["invented"].sum()), "identity_clashes": int(loaded["identity_clashes"].sum()),
            "anonymous": int(loaded["anonymous"].sum()), "errors": int(loaded["errors"].sum())}


# ---------------------------------------------------------------- presentation
def _coverage(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{float(value):.2%}"


def summary_frame(report: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in report.itertuples(index=False):
        rows.append({
            "file": r.file, "status": r.status, "kind": r.kind or "-", "year": r.year or "-",
            "pages": r.pages or "-", "s": r.seconds if r.seconds is not None else "-",
            "tables": len(r.tables), "facts": r.facts or 0, "indicators": r.indicators or 0,
            "amounts": f"{r.amounts_matched or 0}/{r.amounts_printed or 0}", "coverage": _coverage(r.amount_coverage),
            "invented": r.invented or 0, "clashes": r.identity_clashes or 0, "anonymous": r.anonymous or 0,
            "errors": r.errors or 0, "warnings": r.warnings or 0,
        })
    return pd.DataFrame(rows)


def details(report: pd.DataFrame, markdown: bool = False) -> str:
    bullet = "- " if markdown else "  "
    out = []
    for r in report.itertuples(index=False):
        out.append(f"### {r.file}" if markdown else f"== {r.file} ({r.status})")
        if r.status != "loaded":
            out += [f"{bullet}error: {r.error}", ""]
            continue
        out.append(f"{bullet}{r.unit} {r.year} {r.kind}; tables: {', '.join(r.tables) or '-'}")
        if r.unclassified:
            out.append(f"{bullet}unclassified tables: {', '.join(r.unclassified)}")
        if r.missing:
            shown = ", ".join(r.missing[:MISSING_SHOWN])
            more = len(r.missing) - MISSING_SHOWN
            out.append(f"{bullet}not read ({len(r.missing)}): {shown}" + (f", … {more} more" if more > 0 else ""))
        out.append("")
    return "\n".join(out)


def render(report: pd.DataFrame, markdown: bool = False) -> str:
    summary = summary_frame(report)
    total = totals(report)
    line = (f"Corpus: {total['loaded']} loaded, {total['failed']} failed; amounts "
            f"{total['amounts_matched']}/{total['amounts_printed']} = {_coverage(total['coverage'])}; "
            f"invented {total['invented']}, identity clashes {total['identity_clashes']}, "
            f"anonymous {total['anonymous']}, failed error checks {total['errors']}")
    if markdown:
        return f"## Corpus report\n\n{summary.to_markdown(index=False)}\n\n{line}\n\n{details(report, True)}"
    return f"{summary.to_string(index=False)}\n\n{line}\n\n{details(report)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.report",
                                     description="Run the pipeline over PDFs and report per file.")
    parser.add_argument("paths", nargs="*", metavar="FOLDER_OR_FILE",
                        help=f"PDF files or folders (default: {DEFAULT_CORPUS})")
    parser.add_argument("--markdown", action="store_true", help="print markdown instead of plain text")
    parser.add_argument("--seconds", type=float, default=300, help="time limit per file (default 300)")
    parser.add_argument("--workers", type=int, default=2, help="files processed at once (default 2)")
    args = parser.parse_args(argv)
    paths = args.paths or [DEFAULT_CORPUS]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"not found: {', '.join(map(str, missing))}", file=sys.stderr)
    report = corpus_report([p for p in paths if Path(p).exists()], seconds=args.seconds, workers=args.workers)
    pd.set_option("display.width", 250)
    print(render(report, markdown=args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())

