"""pipelines/vocab/codes.yaml lists, and messages.yaml names, every table code and measure the
readers can produce."""
from __future__ import annotations

import re

from pipelines import labels
from pipelines.read.forms import form_vocab
from pipelines.vocabulary import VOCAB_DIR, measure_rules, table_families


def test_every_measure_the_readers_produce_is_listed():
    listed = {m.code for m in labels.measure_labels()}
    forms = form_vocab()
    produced = {rule.measure for rule in measure_rules()} | {"unmapped", "total"}
    produced |= set(forms.funds.values()) | {m for split in forms.split_measures.values() for m in split.values()}
    assert produced <= listed, produced - listed


def test_every_table_code_the_readers_produce_is_listed():
    listed = {t.code for t in labels.table_labels()}
    produced = {family.code for family in table_families()} | {kind.table_code for kind in form_vocab().kinds}
    assert produced <= listed, produced - listed


def test_codes_and_labels_are_unique_snake_case():
    for entries in (labels.table_labels(), labels.measure_labels()):
        codes = [e.code for e in entries]
        assert len(codes) == len(set(codes))
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in codes)


def test_every_code_has_a_chinese_name():
    unnamed = [m.code for m in labels.measure_labels() if m.label == m.code and m.code != "unmapped"]
    unnamed += [t.code for t in labels.table_labels() if t.title == t.code]
    assert unnamed == []


def test_the_contract_vocabulary_is_complete():
    contract = (VOCAB_DIR.parent.parent.parent / "shared" / "data-contract.md")
    if not contract.exists():
        import pytest
        pytest.skip("../shared/data-contract.md is not present beside the checkout")
    text = contract.read_text(encoding="utf-8")
    table_codes = set(re.findall(r"^\| ((?:final_)?[a-z_]+) \| [^|]*表", text, flags=re.M))
    assert table_codes <= {t.code for t in labels.table_labels() if t.contract}
    section = text.split("### measure vocabulary", 1)[1].split("## performance_indicators", 1)[0]
    measures = set(re.findall(r"^\| ([a-z_]+) \|", section, flags=re.M)) - {"measure"}
    measures |= set(re.findall(r"\b([a-z]+_[a-z_]+|actual) \(", section))
    assert measures <= {m.code for m in labels.measure_labels() if m.contract}, \
        measures - {m.code for m in labels.measure_labels() if m.contract}


def test_composed_measures_are_named_by_their_parts():
    assert labels.measure_label("overseas_general_budget") == "因公出国（境）经费（一般公共预算）"
    assert labels.measure_label("total_change") == "合计增减额"
    assert labels.measure_label("no_such_measure") == "no_such_measure"
