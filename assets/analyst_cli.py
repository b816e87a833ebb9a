"""The analyst's subcommands of `budget`: sql, schema, export. Thin glue over pipelines.query,
pipelines.warehouse_doc and pipelines.export; registered by assets.cli."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.settings import DATABASE_PATH_ENV

EXIT_OK, EXIT_FAILED = 0, 1
PROMPT, CONTINUATION = "budget> ", "   ...> "


def register(commands) -> None:
    """Add sql, schema and export to the `budget` subcommand parser."""
    sql = commands.add_parser(
        "sql", help="run SQL against the published read-only copy of the warehouse, print a table",
        description="Run SQL against the published read-only copy of the warehouse (it never blocks "
                    "ingestion) and print the result as a table. Without a query: an interactive "
                    "prompt (end a statement with ;, .tables lists tables and views, .quit leaves).")
    sql.add_argument("query", nargs="?", help="SQL to run; omit for the interactive prompt")
    sql.add_argument("--db", metavar="FILE", help=_db_help())
    sql.add_argument("--max-rows", type=int, default=200, metavar="N",
                     help="print at most N rows (default 200; 0 prints all)")
    sql.add_argument("--csv", action="store_true", help="print CSV instead of a table (exact decimals)")
    sql.set_defaults(handler=_sql)

    schema = commands.add_parser(
        "schema", help="print the warehouse documentation (tables, views, columns, vocabularies)",
        description="Print docs/warehouse.md as generated from the code's one declaration of the "
                    "warehouse (pipelines/schema.py, pipelines/views.py, pipelines/vocab/codes.yaml and messages.yaml).")
    schema.add_argument("--write", metavar="FILE", help="write it to FILE instead (e.g. docs/warehouse.md)")
    schema.set_defaults(handler=_schema)

    export = commands.add_parser(
        "export", help="export facts, indicators, prose amounts and findings to Parquet, CSV and .xlsx",
        description="Export the chosen loaded documents' documents, facts, performance_indicators, "
                    "prose_amounts and findings: Parquet partitioned by fiscal_year, CSV (UTF-8 with "
                    "BOM), and one .xlsx per document laid out like its printed tables. Reads the "
                    "published copy.")
    export.add_argument("out", metavar="FOLDER", help="folder to write parquet/, csv/ and xlsx/ into")
    export.add_argument("--unit", action="append", default=[], metavar="UNIT",
                        help="a unit_key, or part of the printed unit name (repeatable)")
    export.add_argument("--year", action="append", default=[], type=int, metavar="YEAR",
                        help="a fiscal year (repeatable)")
    export.add_argument("--kind", action="append", default=[], metavar="KIND",
                        help="部门预算, 单位预算, 部门决算 or 单位决算 (repeatable)")
    export.add_argument("--format", action="append", default=[], choices=("parquet", "csv", "xlsx"),
                        help="only these formats (repeatable; default all three)")
    export.add_argument("--db", metavar="FILE", help=_db_help())
    export.set_defaults(handler=_export)


def _db_help() -> str:
    return f"the warehouse whose published copy to read (default: ${DATABASE_PATH_ENV} or data/warehouse/budget.duckdb)"


def _database(args) -> Path:
    from pipelines.warehouse import default_database_path
    return Path(args.db) if args.db else default_database_path()


def _sql(args) -> int:
    from pipelines import query

    try:
        con = query.open_published(_database(args))
    except query.QueryError as error:
        print(f"budget: {error}", file=sys.stderr)
        return EXIT_FAILED
    try:
        if args.query is not None:
            return _print_query(con, args.query, args)
        return _interactive(con, args)
    finally:
        con.close()


def _print_query(con, sql: str, args) -> int:
    from pipelines import query

    try:
        result = query.run(con, sql)
    except query.QueryError as error:
        print(f"budget: {error}", file=sys.stderr)
        return EXIT_FAILED
    if args.csv:
        _print_csv(result)
    else:
        print(query.format_table(result, max_rows=args.max_rows))
    return EXIT_OK


def _print_csv(result) -> None:
    import csv

    from pipelines.query import display
    writer = csv.writer(sys.stdout)
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if v is None else display(v) for v in row])


# the public tables and views, each with the first sentence of its comment
TABLES_SQL = ("SELECT name, kind, split_part(comment, '. ', 1) AS about FROM ("
              "SELECT table_name AS name, 'table' AS kind, comment FROM duckdb_tables() "
              "WHERE schema_name = 'main' AND database_name = current_database() "
              "AND comment NOT LIKE 'Internal:%' UNION ALL "
              "SELECT view_name, 'view', comment FROM duckdb_views() WHERE NOT internal "
              "AND schema_name = 'main' AND database_name = current_database()) ORDER BY kind, name")


def _interactive(con, args) -> int:
    """Read statements ending in ; until .quit or end of input; each prints its table."""
    try:
        import readline  # noqa: F401 (line editing and history for input())
    except ImportError:
        pass
    interactive = sys.stdin.isatty()
    if interactive:
        print("Published warehouse, read-only. End statements with ;  .tables lists tables and "
              "views, .quit leaves.")
    buffer: list[str] = []
    while True:
        try:
            line = input((CONTINUATION if buffer else PROMPT) if interactive else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            print()
            buffer = []
            continue
        command = line.strip()
        if not buffer and command in (".quit", ".exit", "quit", "exit", r"\q"):
            break
        if not buffer and command == ".tables":
            _print_query(con, TABLES_SQL, args)
            continue
        if not command and not buffer:
            continue
        buffer.append(line)
        if command.endswith(";"):
            _print_query(con, "\n".join(buffer), args)
            buffer = []
    if buffer:
        _print_query(con, "\n".join(buffer), args)
    return EXIT_OK


def _schema(args) -> int:
    from pipelines import warehouse_doc

    text = warehouse_doc.render()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
        print(f"Wrote {args.write}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _export(args) -> int:
    from pipelines import export, query

    try:
        con = query.open_published(_database(args))
    except query.QueryError as error:
        print(f"budget: {error}", file=sys.stderr)
        return EXIT_FAILED
    filters = export.Filters(units=tuple(args.unit), years=tuple(args.year), kinds=tuple(args.kind))
    try:
        summary = export.export(con, Path(args.out), formats=tuple(args.format) or export.FORMATS,
                                filters=filters)
    finally:
        con.close()
    counts = ", ".join(f"{name} {count}" for name, count in summary.rows.items())
    print(f"Exported {counts} row(s) to {args.out}")
    if not summary.rows.get("documents"):
        print("budget: no loaded document matches the filters", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
