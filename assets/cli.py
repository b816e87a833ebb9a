"""`budget ingest PATH... [--db FILE]`: run the Dagster assets in-process and summarise.
`budget review FILE.pdf [--out DIR] [--db FILE]`: write the document's review report (pipelines.review.command).

Exit codes: 0 every document loaded, 1 a document (or the run) failed, 2 bad usage.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from collections import Counter
from pathlib import Path

import dagster as dg

from assets import analyst_cli
from pipelines.settings import DATABASE_PATH_ENV
from pipelines.warehouse import default_database_path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="budget",
        description="Turn budget disclosure PDFs (部门预算 / 单位预算) into checked DuckDB tables.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ingest = commands.add_parser(
        "ingest", help="ingest PDF files or folders (searched recursively) into the warehouse",
        description="Ingest PDF files or folders (searched recursively for *.pdf) into the warehouse.",
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="a PDF file or a folder of PDFs")
    ingest.add_argument("--db", metavar="FILE",
                        help=f"DuckDB file to write (default: ${DATABASE_PATH_ENV} or {default_database_path()})")
    ingest.add_argument("--verbose", action="store_true", help="show Dagster's run log")
    forget = commands.add_parser(
        "forget", help="delete a document's rows from the warehouse (by file path or document id)",
        description="Delete a document's rows from every warehouse table. Removing a file from the "
                    "landing folder deletes nothing by itself; this does.")
    forget.add_argument("target", metavar="PATH_OR_DOCUMENT_ID")
    forget.add_argument("--db", metavar="FILE", help="DuckDB file (default: as for ingest)")
    review = commands.add_parser(
        "review", help="write a document's review report (HTML and .xlsx) and print where it is",
        description="Read one PDF, check its tables, prose and presentation, and write the findings a "
                    "reviewer sends back: an HTML page and an .xlsx, grouped by page.")
    review.add_argument("file", metavar="FILE.pdf")
    review.add_argument("--out", metavar="DIR", help="folder for the report (default: $BUDGET_REPORTS_DIR, else reports/ beside the warehouse)")
    review.add_argument("--db", metavar="FILE", help="warehouse holding the prior year's document (default: as for ingest)")
    analyst_cli.register(commands)  # sql, schema, export
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse: --help exits 0, usage errors 2
        return int(exit_request.code or 0)
    if hasattr(args, "handler"):
        return args.handler(args)
    if args.command == "forget":
        return forget(args.target, Path(args.db) if args.db else default_database_path())
    if args.command == "review":
        return review(args.file, args.out, args.db)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"budget: path not found: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    return ingest(args.paths, Path(args.db) if args.db else default_database_path(), args.verbose)


def ingest(paths: list[str], database: Path, verbose: bool = False) -> int:
    # Imported here so `budget --help` stays fast.
    from assets import progress
    from assets.definitions import all_assets
    from assets.resources import WAREHOUSE_RESOURCE_KEY, warehouse_resource

    # The assets are partitioned by budget year; the CLI ingests exactly the files it is given,
    # whatever their year (any_year), in one run under the current year's partition key.
    run_config = {
        "ops": {"source_documents": {"config": {"paths": [str(p) for p in paths], "any_year": True}}},
        "loggers": {"console": {"config": {"log_level": "INFO" if verbose else "ERROR"}}},
    }
    # the extraction workers' fork server starts while Dagster sets the run up
    from pipelines.isolation import warm_up
    from pipelines.process import process_document
    warm_up(process_document)
    # The assets run in this process: a progress line (terminal only) as each file is done.
    line = progress.ProgressLine(sys.stdout)
    progress.hook = line
    # An instance of our own, in a folder removed when the run is reported (nothing left in /tmp)
    with tempfile.TemporaryDirectory(prefix="budget-run-") as run_dir, \
            dg.DagsterInstance.ephemeral(tempdir=run_dir) as instance:
        try:
            result = dg.materialize(
                all_assets,
                run_config=run_config,
                resources={WAREHOUSE_RESOURCE_KEY: warehouse_resource(database)},
                instance=instance,
                raise_on_error=False,
                partition_key=str(date.today().year),
            )
        finally:
            progress.hook = None
            line.clear()
        return _report(result, database)


def _report(result, database: Path) -> int:
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"budget: step {event.step_key} failed: {event.event_specific_data.error.message}",
                      file=sys.stderr)
        return EXIT_FAILED
    from pipelines import warehouse
    from pipelines.ingestion import outcomes_in_warehouse

    sources = result.output_for_node("source_documents")
    con = warehouse.connect(database, read_only=True)
    try:
        outcomes = outcomes_in_warehouse(con, [s.document_id for s in sources])
    finally:
        con.close()
    print_summary(outcomes, database)
    (materialization,) = result.asset_materializations_for_node("source_documents")
    unchanged = materialization.metadata["unchanged"].value
    if unchanged:
        print(f"Unchanged: {unchanged} file(s) already in the warehouse, not parsed again")
    return EXIT_FAILED if any(o.status == "failed" for o in outcomes) else EXIT_OK


def run() -> None:
    """The `budget` command. Exits without tearing down the interpreter: the work is written and
    flushed by then, and a run's heap (Dagster, pandas, the fork server) takes ~1 s to dismantle."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def forget(target: str, database: Path) -> int:
    from pipelines import warehouse

    con = warehouse.connect(database)
    try:
        removed = warehouse.forget_document(con, target)
    finally:
        con.close()
    if not removed:
        print(f"budget: no document matches {target}", file=sys.stderr)
        return EXIT_FAILED
    warehouse.publish_snapshot(database)
    print(f"Forgot {len(removed)} document(s): {', '.join(removed)}")
    return EXIT_OK


def review(path: str, out_dir: str | None, database: str | None) -> int:
    from pipelines.model import DocumentError
    from pipelines.review.command import review_file

    if not Path(path).is_file():
        print(f"budget: file not found: {path}", file=sys.stderr)
        return EXIT_USAGE
    try:
        outcome = review_file(path, out_dir, database)
    except DocumentError as error:
        print(f"budget: {error}", file=sys.stderr)
        return EXIT_FAILED
    info = outcome.info
    print(f"{info.unit_name or '-'} {info.fiscal_year or '-'} {info.doc_kind or '-'}: {outcome.findings} finding(s)"
          + (f"; prior year compared with {outcome.prior_document}" if outcome.prior_document else ""))
    print(f"Report: {outcome.html}")
    print(f"Workbook: {outcome.xlsx}")
    return EXIT_OK


def print_summary(outcomes, database: Path) -> None:
    for o in outcomes:
        year = o.fiscal_year if o.fiscal_year is not None else "-"
        coverage = "-" if o.amount_coverage is None else f"{float(o.amount_coverage):.1%}"
        line = (f"{o.status:<10} {o.source_path}  unit={o.unit_name or '-'} year={year} "
                f"kind={o.doc_kind or '-'} facts={o.facts} coverage={coverage} "
                f"checks={o.checks_passed} passed/{o.checks_failed} failed")
        if o.error:
            line += f"\n           error: {o.error}"
        print(line)
    statuses = Counter(o.status for o in outcomes)
    facts_by_table: Counter[str] = Counter()
    for o in outcomes:
        facts_by_table.update(o.facts_by_table)
    tables = ", ".join(f"{code} {count}" for code, count in sorted(facts_by_table.items())) or "none"
    passed = sum(o.checks_passed for o in outcomes)
    failed = sum(o.checks_failed for o in outcomes)
    print(f"Totals: {statuses.get('loaded', 0)} loaded, {statuses.get('failed', 0)} failed"
          + "".join(f", {statuses[s]} {s}" for s in sorted(statuses) if s not in ("loaded", "failed"))
          + f"; facts: {tables}; checks: {passed} passed, {failed} failed")
    print(f"Warehouse: {database}")


if __name__ == "__main__":
    sys.exit(main())
