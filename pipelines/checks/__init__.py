"""Checks: pure functions from a document's facts (and prose, forms, completeness) to findings.

    context.py       what every check reads: facts by table, printed trees, titles, precision
    tree.py          each table's printed rows and who is whose parent
    selection.py     which cells a rule means (vocab rules' row selections)
    rows.py          within a row: 合计 = 基本 + 项目 … (vocab/identities.yaml)
    hierarchy.py     down the printed tree: parent = Σ children, total = Σ top-level rows
    cross_table.py   between tables (vocab/cross_tables.yaml)
    performance.py   绩效目标表 资金总额 against the project table
    prose.py         amounts stated in the text against the tables (vocab/prose.yaml targets)
    completeness.py  printed amounts that did not become facts; unnamed columns
    findings.py      a finding: passed, rounding (warning) or failed; the validation frame
    cascade.py       one source defect, one finding
    wording.py       how findings name amounts, tables, rows and columns, in Chinese

pipelines.validate runs them on one document; pipelines.crosscheck runs the prose check on a
pair of documents. Check ids and categories are listed in docs/vocabulary.md.
"""
