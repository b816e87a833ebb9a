"""`budget ingest PATH... [--db FILE] [--accept-new-version]`: run the Dagster assets in-process
and summarise.
`budget review FILE.pdf [--out DIR] [--db FILE]`: write the document's review report (pipelines.review.command).

Exit codes: 0 every document loaded, 1 a document (or the run) failed, 2 bad usage, 3 nothing to
ingest (no PDF under the paths), 4 a new version was held back as pending (nothing failed).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from collections import Counter
from pathlib import Path

from assets import analyst_cli
from pipelines.inputs import displayable
from pipelines.settings import DATABASE_PATH_ENV
from pipelines.warehouse import default_database_path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOTHING, EXIT_PENDING = 0, 1, 2, 3, 4


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
    ingest.add_argument("--accept-new-version", action="store_true",
                        help="confirm these files as the new versions of their documents even where "
                             "they lose tables or facts (versions held back as pending become current)")
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
    # Only a path with nothing at all there is a usage error; anything else (a FIFO, a dangling
    # link, an unreadable file) is judged on its own and recorded as a failed document.
    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        print(f"budget: path not found: {', '.join(map(displayable, missing))}", file=sys.stderr)
        return EXIT_USAGE
    return ingest(args.paths, Path(args.db) if args.db else default_database_path(), args.verbose,
                  accept_new_version=args.accept_new_version)


def ingest(paths: list[str], database: Path, verbose: bool = False, *,
           accept_new_version: bool = False) -> int:
    # Imported here so `budget --help`, `sql`, `schema` and `export` start without Dagster.
    import dagster as dg

    from assets import progress
    from assets.definitions import all_assets
    from assets.resources import WAREHOUSE_RESOURCE_KEY, warehouse_resource
    from pipelines import residue

    # Every temporary file of this process (Dagster's, the worker fork server's) goes into one
    # folder named with our PID, removed at exit; what killed runs left is removed now.
    residue.clean_stale_runs()
    residue.clean_partial_copies(database)
    residue.use_run_folder()
    # The assets are partitioned by budget year; the CLI ingests exactly the files it is given,
    # whatever their year (any_year), in one run under the current year's partition key.
    config = {"paths": [str(p) for p in paths], "any_year": True, "accept_new_version": accept_new_version}
    run_config = {
        "ops": {"source_documents": {"config": config}},
        # failures are reported below in a sentence; Dagster's own log only with --verbose
        "loggers": {"console": {"config": {"log_level": "INFO" if verbose else "CRITICAL"}}},
    }
    # the extraction workers' fork server starts while Dagster sets the run up
    from pipelines.isolation import warm_up
    from pipelines.process import process_document
    warm_up(process_document)
    # The assets run in this process: a progress line (terminal only) as each file is done and
    # while a locked warehouse is waited for.
    line = progress.ProgressLine(sys.stdout, log=sys.stderr)
    progress.hook, progress.waiting_hook = line, line.waiting
    with tempfile.TemporaryDirectory(prefix="dagster-instance-") as run_dir, \
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
            progress.hook = progress.waiting_hook = None
            line.clear()
        return _report(result, database, paths)


def _failure_message(error) -> str:
    """The step's error in a sentence: a dg.Failure's description as written, else the error."""
    message = error.message.strip()
    if error.cls_name == "Failure":
        message = message.split(": ", 1)[-1]
    return message


def _report(result, database: Path, paths: list[str]) -> int:
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"budget: {_failure_message(event.event_specific_data.error)}", file=sys.stderr)
        return EXIT_FAILED
    from pipelines import warehouse
    from pipelines.ingestion import outcomes_in_warehouse

    sources = result.output_for_node("source_documents")
    (materialization,) = result.asset_materializations_for_node("source_documents")
    metadata = materialization.metadata
    if not metadata["found"].value:
        print(f"budget: nothing to ingest: no PDF file found in {', '.join(map(displayable, paths))}",
              file=sys.stderr)
        return EXIT_NOTHING
    try:
        con = warehouse.connect(database, read_only=True, waiting=_wait_line())
    except warehouse.WarehouseLockedError as error:
        print(f"budget: the run finished, but its summary cannot be read: {error}", file=sys.stderr)
        return EXIT_FAILED
    try:
        outcomes = outcomes_in_warehouse(con, [s.document_id for s in sources])
    finally:
        con.close()
    print_summary(outcomes, database)
    unchanged = metadata["unchanged"].value
    if unchanged:
        print(f"Unchanged: {unchanged} file(s) already in the warehouse, not parsed again")
    held = metadata["pending"].value
    for path in held:
        print(f"Pending: {path} was held back earlier as a new version (see documents.error); confirm "
              "it with `budget ingest --accept-new-version` on that file")
    if any(o.status == "failed" for o in outcomes):
        return EXIT_FAILED
    if held or any(o.status == "pending" for o in outcomes):
        return EXIT_PENDING
    return EXIT_OK


def run() -> None:
    """The `budget` command. Exits without tearing down the interpreter: the work is written and
    flushed by then, and a run's heap (Dagster, pandas, the fork server) takes ~1 s to dismantle."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    from pipelines import residue
    residue.remove_run_folder()  # os._exit skips the atexit hook that would
    os._exit(code)


def _wait_line():
    from assets import progress

    return progress.ProgressLine(sys.stdout, log=sys.stderr).waiting


def forget(target: str, database: Path) -> int:
    from pipelines import warehouse

    try:
        con = warehouse.connect(database, waiting=_wait_line(), log=lambda message: None)
    except warehouse.WarehouseLockedError as error:
        print(f"budget: {error}", file=sys.stderr)
        return EXIT_FAILED
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
        if o.changes is not None:
            verb = "replaces" if o.status == "loaded" else "compared with"
            line += (f"\n           changes: {verb} {o.changes.previous_document_id}: {o.changes.summary()} "
                     f"(SELECT * FROM version_changes WHERE document_id = '{o.document_id}')")
        if o.error:
            line += f"\n           {'error' if o.status == 'failed' else 'note'}: {o.error}"
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
