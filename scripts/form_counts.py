"""Performance-target forms per document: indicator rows (by form kind and page) and fund facts.

    .venv/bin/python scripts/form_counts.py [FILE.pdf ...]

Default files: the PDFs of ../shared/corpus that print forms (tests/test_corpus_forms.py pins the
same counts against the rows printed) and the bundled sample.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.facts import build_facts  # noqa: E402
from pipelines.form_facts import FORM_TABLE_CODES  # noqa: E402
from pipelines.indicators import build_indicators  # noqa: E402
from pipelines.ingest import extract_document  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT = ["sd-yantai-sfj-2026", "fj-fz-mzj-unit-2026", "fj-qz-gaj-unit-2026", "sn-xa-gaj-2026", "sn-xa-qxj-2026",
           "bj-xfb-tables-2026", "bj-sthjj-tables-2026", "cq-kjj-2026", "cq-slj-2026"]


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or [CORPUS / f"{n}.pdf" for n in DEFAULT] + [
        REPO / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"]
    for path in files:
        doc = extract_document(path)
        indicators = build_indicators(doc)
        facts = build_facts(doc)
        funds = facts[facts.table_code.isin(FORM_TABLE_CODES)]
        kinds = dict(Counter(indicators.form_kind)) if len(indicators) else {}
        pages = dict(sorted(Counter(int(p) for p in indicators.page).items())) if len(indicators) else {}
        print(f"{path.stem}: {len(indicators)} indicators {kinds}, {len(funds)} fund facts, "
              f"{len(doc.performance_forms)} forms; per page {pages}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
