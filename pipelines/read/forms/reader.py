"""FormReader: the grids of performance-target forms, in page order, into PerformanceForms.

The stitch stage offers every grid (with the text lines printed above it) to ``take``; a grid
the reader takes is a form, or the continuation of the form it read last. ``finish`` returns the
forms, one per project of a list form."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pipelines.model import Cell, FormFund, FormIndicator, PerformanceForm
from pipelines.money import parse_amount
from pipelines.read.forms.layout import Header, Plan, caption_rows, find_header, unit_of
from pipelines.read.forms.lists import segments
from pipelines.read.forms.preamble import Pairs, name_from_lines, read_funds, read_pairs, units_in
from pipelines.read.forms.rows import RawRow, indicators_of, read_row
from pipelines.read.forms.vocab import FormKind, FormVocab, form_vocab
from pipelines.read.grid import Grid
from pipelines.vocabulary import compact, is_title_candidate, table_code_for_title


@dataclass
class _Entry:
    """What one form (or one project of a list form) has printed so far."""
    name: str
    page: int
    funds: list[FormFund] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)


@dataclass
class _OpenForm:
    kind: FormKind
    title: str | None
    unit: str | None
    page: int
    plan: Plan | None = None
    fields: dict[str, str] = field(default_factory=dict)
    entries: list[_Entry] = field(default_factory=list)
    cells: list[list[Cell]] = field(default_factory=list)
    fund_lines: int = 0

    @property
    def is_list(self) -> bool:
        return self.plan is not None and self.plan.is_list


class FormReader:
    def __init__(self, vocab: FormVocab | None = None):
        self.vocab = vocab or form_vocab()
        self._forms: list[PerformanceForm] = []
        self._open: _OpenForm | None = None

    # ------------------------------------------------------------ the stitch stage's interface
    def take(self, grid: Grid, context_lines: list[str]) -> bool:
        """Read ``grid`` if it is a form or continues the open one; False leaves it to the tables
        (and closes the open form: a table came between)."""
        header = find_header(grid, self.vocab)
        top = list(range(header.row if header else grid.n_rows))
        captions = [text for _, text in caption_rows(grid, top)]
        title = self._title(context_lines + captions)
        if header is None and title is None and self._open is None:
            return False  # a budget table: no indicators, no form title, no form to continue
        pairs = read_pairs(grid, top, self.vocab)
        titled_table = self._titled_table(context_lines)
        continues = self._open is not None and not title and not pairs.name and not titled_table \
            and self._continues(grid, header)
        if continues:
            self._read(grid, header, [] if header is None else top)
            return True
        if not self._starts_form(header, title, titled_table):
            return self._decline()
        self._close()
        self._open = self._start(grid, title, pairs, context_lines, captions)
        self._read(grid, header, top)
        return True

    @staticmethod
    def _starts_form(header: Header | None, title: str | None, titled_table: bool) -> bool:
        """An indicator header not under a budget table's title; or a printed form title over a
        grid without one (西安 表16, an empty template): a form all the same, whatever amounts it
        prints are read, and it never loads as a table."""
        if header is not None:
            return title is not None or not titled_table
        return title is not None and is_title_candidate(title)

    def _decline(self) -> bool:
        self._close()
        return False

    def finish(self) -> list[PerformanceForm]:
        self._close()
        forms = [f for f in self._forms if f.indicators or f.funds]
        _mark_reprints(forms)
        return forms

    # ------------------------------------------------------------ starting and continuing
    def _title(self, lines: list[str]) -> str | None:
        """The form title nearest the grid; a title wrapped over two lines is joined."""
        title = None
        for i, line in enumerate(lines):
            if self.vocab.is_title(line):
                title = compact(line)
            elif i + 1 < len(lines) and self.vocab.is_title(compact(line) + compact(lines[i + 1])) \
                    and not self.vocab.is_title(lines[i + 1]):
                title = compact(line) + compact(lines[i + 1])
        return title

    def _titled_table(self, lines: list[str]) -> bool:
        return any(is_title_candidate(line) and table_code_for_title(line) for line in lines)

    def _start(self, grid: Grid, title: str | None, pairs: Pairs, context_lines: list[str],
               captions: list[str]) -> _OpenForm:
        """Open a form: its kind from its title (else from its name label), its name as printed."""
        if title:
            kind = self.vocab.kind_for_title(title)
        else:
            kind = (self.vocab.kind_for_name_label(pairs.name_label) if pairs.name_label else None) \
                or self.vocab.kind("project")
        unit = unit_of(context_lines + captions)
        form = _OpenForm(kind, title, unit, grid.page, fields=dict(pairs.fields))
        name = pairs.name if pairs.name_label in kind.names else None
        if name is None and kind.name_lines:
            name = name_from_lines(context_lines, kind.names)
        if name is None and title and kind.kind == "project":
            name = self._name_in_title(title)
        form.entries.append(_Entry(name or "", grid.page))
        return form

    def _name_in_title(self, title: str) -> str | None:
        for ending in self.vocab.title_name_endings:
            if title.endswith(ending):
                name = title[: -len(ending)]
                return name if len(name) >= 2 else None
        return None

    def _continues(self, grid: Grid, header: Header | None) -> bool:
        form = self._open
        if header is not None:
            return form.plan is None or set(header.plan.roles) == set(form.plan.roles)
        return form.plan is not None and form.plan.seated(grid) is not None and self._prints_levels(grid, form.plan)

    def _prints_levels(self, grid: Grid, plan: Plan) -> bool:
        """A continuation printed without a header still prints standard level names."""
        seated = plan.seated(grid)
        column = seated.roles.get("level1", seated.roles.get("levels")) if seated else None
        if column is None:
            return False
        texts = [compact(grid.at(r, column).text) for r in range(grid.n_rows) if grid.at(r, column)]
        return any(t.startswith(self.vocab.level1) for t in texts)

    # ------------------------------------------------------------ reading a grid into the open form
    def _read(self, grid: Grid, header: Header | None, top: list[int]) -> None:
        """Read the funds printed above the indicators (``top``) and the indicator rows."""
        form = self._open
        form.cells += [[Cell(grid.own(r, c).text if grid.own(r, c) else "", grid.page) for c in range(grid.n_cols)]
                       for r in range(grid.n_rows)]
        form.unit = form.unit or next(iter(units_in(grid, top)), None)
        self._read_funds(grid, top)
        if header is not None:
            plan, body = header.plan, list(range(header.end, grid.n_rows))
            form.plan = form.plan or plan
        elif form.plan is not None and not top:  # a continuation printed without a header
            plan, body = form.plan.seated(grid), list(range(grid.n_rows))
        else:
            return  # no indicator header (yet)
        if plan.is_list:
            self._read_list(grid, body, plan)
            return
        for r in body:
            if (row := read_row(grid, r, plan, self.vocab)) is not None:
                form.entries[-1].rows.append(row)

    def _read_funds(self, grid: Grid, top: list[int]) -> None:
        form = self._open
        cells = read_funds(grid, top, self.vocab)
        for cell in cells:
            form.entries[-1].funds.append(FormFund(cell.labels, cell.measure, cell.text, grid.page,
                                                   form.fund_lines + cell.line, cell.item, cell.is_total))
        form.fund_lines += max((cell.line for cell in cells), default=0)

    def _read_list(self, grid: Grid, body: list[int], plan: Plan) -> None:
        form = self._open
        for segment in segments(grid, body, plan):
            last = form.entries[-1] if form.entries else None
            continues = last is not None and bool(last.rows) and segment.rows[0] == body[0] and (
                segment.name == last.name or (segment.at_top and not segment.name))
            if not continues:
                if last is not None and not last.rows and not last.funds:
                    form.entries.pop()  # the entry a list's first grid opened before its rows
                entry = _Entry(segment.name, grid.page)
                for col, text in sorted(segment.amounts.items()):
                    labels, measure = plan.fund_columns[col]
                    entry.funds.append(FormFund(labels, measure, text, grid.page, len(form.entries) + 1))
                form.entries.append(entry)
            for r in segment.rows:
                if (row := read_row(grid, r, plan, self.vocab)) is not None:
                    form.entries[-1].rows.append(row)

    # ------------------------------------------------------------ closing
    def _close(self) -> None:
        form, self._open = self._open, None
        if form is None:
            return
        for entry in form.entries:
            code, name = self._split_code(entry.name)
            indicators: list[FormIndicator] = indicators_of(entry.rows, self.vocab)
            self._forms.append(PerformanceForm(
                kind=form.kind.kind, project_name=name, page=entry.page, title=form.title, project_code=code,
                unit=form.unit, fields=dict(form.fields), funds=entry.funds, indicators=indicators,
                rows=form.cells if not form.is_list else [], total_funds=_total_funds(entry.funds)))

    def _split_code(self, name: str) -> tuple[str | None, str]:
        m = self.vocab.project_code.match(name)
        return (m.group(1), m.group(2)) if m else (None, name)


def _total_funds(funds: list[FormFund]) -> Decimal | None:
    """A form's 资金总额 (年度预算资金总额, 项目总额 …): its total fund label's amount."""
    return next((parse_amount(f.text) for f in funds if f.measure == "total" and len(f.labels) == 1
                 and f.item is None), None)


def _mark_reprints(forms: list[PerformanceForm]) -> None:
    """A form printed again (福州 p52 = p28) keeps its indicators; its amounts are facts once."""
    seen: dict[tuple, int] = {}
    for form in forms:
        key = (form.kind, form.project_name, form.project_code,
               tuple((f.labels, f.text) for f in form.funds),
               tuple((i.level1, i.level2, i.level3, i.target) for i in form.indicators))
        if key in seen and form.funds:
            form.reprint_of = seen[key]
        seen.setdefault(key, form.page)


def fund_table_code(kind: str) -> str:
    return form_vocab().kind(kind).table_code


__all__ = ["FormReader", "fund_table_code"]
