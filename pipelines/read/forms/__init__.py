"""Performance-target forms (绩效目标表): grids that are forms, not budget tables.

    vocab     the form vocabulary (pipelines/vocab/forms.yaml): kinds, labels, column headers,
              fund labels, indicator levels; which pages to parse for forms
    layout    the indicator header and its column plan; captions; the cells a row prints
    preamble  the rows above the indicators: name and field rows, the funds block
    rows      indicator rows and their levels
    lists     list forms: which rows belong to which project
    reader    FormReader: grids in page order -> PerformanceForms (the stitch stage's interface)

Form kinds: project (项目支出绩效目标表 and its variants, one project per form or per entry of a
list), overall (部门整体支出绩效目标表), special_fund (专项资金绩效目标表), transfer (转移支付绩效目标表).
"""
from pipelines.read.forms.reader import FormReader, fund_table_code
from pipelines.read.forms.vocab import form_vocab, is_form_page

__all__ = ["FormReader", "fund_table_code", "form_vocab", "is_form_page"]
