"""One source defect, one finding: failures that one wrong number explains are reported once.

    resolve_cascades(findings) -> None   (marks, in place, the failures that repeat another)

A wrong printed number breaks every identity it is in, each by the same amount: its row's
合计 = 基本 + 项目, its parent's 款 = Σ 项, the same row reprinted in another table, a total
that sums it. Failed findings whose differences are equal (in 元) are one defect when

- they compare a printed number in common, and correcting that one number by one amount would
  make both hold (for rounding differences: only when both check that very number);
- they are the same kind of check, with the same difference, on the same printed row (every
  column of a row shows the missing line: 303 in 合计, 人员支出, 日常公用支出 …);
- they are the same check, with the same difference, on a row of the same classification that
  prints the same amount in another table (支出总体情况表 and 一般公共预算支出情况表 both print
  205's 基本支出), or on a row and the row that sums it, where that row is exactly the sum of its
  children in every column the check reads: its difference is then its child's (a 项 whose
  基本支出 ≠ 人员 + 公用 makes its 款 and 类 rows differ by the same amount).

Each defect is reported where it is, by an error-severity check where one fails (a defect that
breaks an identity is never reported only by a warning rule such as 三公 against 30217): the failure
whose checked number is compared by most of the others (the wrong cell), then the deepest row, then a row's own columns before sums of rows and
comparisons between tables, then the first printed. Its message names the other checks the
defect breaks; those stay in validation_results (one row per check and place) as passed, with
a note saying which finding reports their difference.
"""
from __future__ import annotations

from pipelines.checks.findings import Finding
from pipelines.checks.wording import money

NOT_GROUPED = {"completeness", "extraction"}
FAMILY_RANK = {"row_sum": 0, "hierarchy": 1, "balance": 1, "cross": 2, "performance": 3, "prose": 4, "prose_xdoc": 5,
               "budget_xdoc": 5}
SHOWN_OTHERS = 6


def _one_cell_explains(a: Finding, b: Finding) -> bool:
    """A printed number both compare, whose correction by one amount would make both hold.

    Rounding differences link only through the very number both check: 0.01 is everywhere, so two
    0.01 differences that merely share a summand are not evidence of one cause (and would chain a
    whole table into one finding)."""
    if a.category == "rounding" or b.category == "rounding":
        shared = {a.anchor} & {b.anchor} - {None}
    else:
        shared = a.cells & b.cells
    return any(a.correction(cell) == b.correction(cell) for cell in shared)


def _same_row_again(a: Finding, b: Finding, exact: set) -> bool:
    """The same difference on the same printed row (another column), on its reprint in another
    table, or on the row that sums it where that row is exactly the sum of its children in every
    column the check reads (so its difference is its child's)."""
    if a.difference_yuan != b.difference_yuan or a.row is None or b.row is None:
        return False
    same_table = (a.row.table_code, a.row.segment) == (b.row.table_code, b.row.segment)
    if same_table and a.row.row_no == b.row.row_no and a.family == b.family:
        return True
    if a.check_id != b.check_id:
        return False
    if not same_table:
        return (a.row.classification == b.row.classification
                and a.anchor_yuan is not None and a.anchor_yuan == b.anchor_yuan)
    for child, parent in ((a, b), (b, a)):
        if child.row.summed_by == parent.row.row_no and parent.cells and parent.cells <= exact:
            return True
    return False


def same_defect(a: Finding, b: Finding, exact: set = frozenset()) -> bool:
    """``exact``: the printed numbers that equal the sum of their children exactly."""
    return _one_cell_explains(a, b) or _same_row_again(a, b, exact)


def _components(group: list[Finding], exact: set) -> list[list[Finding]]:
    parent = list(range(len(group)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(group)):
        for j in range(i + 1, len(group)):
            if root(i) != root(j) and same_defect(group[i], group[j], exact):
                parent[root(i)] = root(j)
    components: dict[int, list[Finding]] = {}
    for i, finding in enumerate(group):
        components.setdefault(root(i), []).append(finding)
    return list(components.values())


def _where_first(component: list[Finding]) -> Finding:
    def rank(f: Finding):
        explained = sum(1 for other in component
                        if f.anchor in other.cells and other.correction(f.anchor) == f.correction(f.anchor))
        depth = f.row.depth if f.row is not None else 0
        return (f.category == "rounding", f.severity != "error", -depth, -explained, FAMILY_RANK.get(f.family, 9),
                f.page or 0, f.order)
    return min(component, key=rank)


def _report(component: list[Finding]) -> None:
    primary = _where_first(component)
    others = [f for f in component if f is not primary]
    others.sort(key=lambda f: (f.page or 0, f.order))
    named = "；".join(f.claim or f.location for f in others[:SHOWN_OTHERS])
    more = f"等{len(others)}项" if len(others) > SHOWN_OTHERS else f"（共{len(others)}项）"
    gap = money(abs(primary.difference), primary.unit)
    if primary.category == "rounding":
        primary.message += f"；同样的{gap}尾差也见于：{named}{more}"
    else:
        primary.message += f"；同一差异还使以下核对不成立：{named}{more}"
    for other in others:
        other.passed = True
        other.note = (f"{other.message}。这一差异（{gap}）与{primary.claim or primary.location}同源，"
                      f"已在该处作为一项发现报告")


def resolve_cascades(findings: list[Finding]) -> None:
    exact = {f.anchor for f in findings if f.family == "hierarchy" and f.difference == 0}
    by_gap: dict = {}
    for finding in findings:
        if not finding.passed and finding.family not in NOT_GROUPED and finding.cells:
            by_gap.setdefault(abs(finding.difference_yuan).normalize(), []).append(finding)
    for group in by_gap.values():
        if len(group) < 2:
            continue
        for component in _components(group, exact):
            if len(component) > 1:
                _report(component)
