"""docs/warehouse.md is what the code declares (regenerate: budget schema --write docs/warehouse.md)."""
from __future__ import annotations

from assets.cli import main
from pipelines import schema, views, warehouse_doc


def test_the_checked_in_documentation_is_current():
    assert warehouse_doc.DOC_PATH.read_text(encoding="utf-8") == warehouse_doc.render(), (
        "docs/warehouse.md is stale: run `budget schema --write docs/warehouse.md`")


def test_it_documents_every_public_table_view_macro_and_column():
    text = warehouse_doc.render()
    for table in schema.PUBLIC_TABLES:
        assert f"### {table.name}\n" in text
        for column in table.columns:
            assert f"| {column.name} | {column.type} | {column.comment.replace('|', chr(92) + '|')} |" in text
    for view in views.PUBLIC_VIEWS:
        assert f"### {view.name}\n" in text
    for macro in views.PUBLIC_MACROS:
        assert f"### {macro.signature}\n" in text
    for section in ("## Amounts", "## Fact identity", "## Findings", "DECIMAL(24,6)", "pending",
                    "docs/vocabulary.md", "## What this project adds"):
        assert section in text


def test_budget_schema_prints_it(capsys):
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == warehouse_doc.render()
