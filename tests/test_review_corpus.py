"""The review rules on the real corpus (../shared/corpus, skipped when absent): exactly the source
defects listed in docs/source-defects.md ("Review findings"), each at its page; every other
document has none. A finding on a correct sentence would fail here."""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import CORPUS, process
from pipelines.review import CHECK_IDS

# document -> Counter of (check_id, page) of its failing review rows
EXPECTED = {
    "gd-fs-gdjt-final-2019.pdf": [
        ("presentation.placeholder", 26), ("presentation.placeholder", 27), ("presentation.placeholder", 28),
        ("presentation.unfinished_sentence", 27)],
    "js-jcy-2018-doc.pdf": [("prose.change_percent", 23), ("prose.change_percent", 26), ("prose.change_percent", 26)],
    "js-rd-2019-doc.pdf": [("presentation.placeholder", 9), ("presentation.placeholder", 9),
                           ("presentation.placeholder", 16), ("presentation.placeholder", 16)],
    "js-swbgt-2018-tables.pdf": [("presentation.toc_order", 9)],
    "js-zx-2019-tables.pdf": [("presentation.retired_name", 1)] * 3,
    "sd-yantai-jyj-2026.pdf": [
        ("presentation.unfinished_sentence", 6), ("presentation.unfinished_sentence", 40),
        ("presentation.unfinished_sentence", 40), ("presentation.section_missing", 39),
        ("presentation.heading_sequence", 40)],
    "sd-yantai-sfj-2026.pdf": [
        ("presentation.document_year", 6), ("presentation.unfinished_sentence", 30),
        ("presentation.unfinished_sentence", 30), ("presentation.unfinished_sentence", 31),
        ("presentation.heading_sequence", 30)],
    "sh-ptczj-final-2024.pdf": [("prose.share_percent", 21)],
    "sh-shczj-2025.pdf": [("presentation.kind_wording", 21)],
    "sh-wanli-dept-2024.pdf": [("prose.change_percent", 9)],
    "sh-welfare-unit-2024.pdf": [
        ("presentation.placeholder", 16), ("presentation.unfinished_sentence", 16),
        ("presentation.retired_name", 6), ("presentation.retired_name", 7), ("presentation.retired_name", 10)],
}
DOCUMENTS = sorted(p.name for p in CORPUS.glob("*.pdf") if not p.name.startswith("bad-")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_review_findings_are_the_listed_source_defects(corpus_dir, name):
    *_, validation = process(corpus_dir / name)
    review = validation[validation.check_id.isin(CHECK_IDS)]
    failing = review[~review.passed]
    assert Counter(zip(failing.check_id, failing.page.astype(int))) == Counter(EXPECTED.get(name, [])), \
        failing.message.tolist()
    assert set(failing.category) <= {"prose", "presentation"}


def test_the_factor_of_ten(corpus_dir):
    """js-jcy p.26: 3,666万元, 增加21.8万元, printed 增长0.06% — the amounts give 0.60%."""
    *_, validation = process(corpus_dir / "js-jcy-2018-doc.pdf")
    rows = validation[(validation.check_id == "prose.change_percent") & ~validation.passed & (validation.page == 26)]
    assert sorted(str(round(r.expected, 2)) + "/" + str(r.actual) for r in rows.itertuples()) == ["0.60/0.06", "6.60/0.66"]
