"""Compliance at province scale: the pure computation's answers, read off the totals in SQL.

``server.compliance.evaluate`` judges one person from their records; a
province's statistics would have it judge 100,000 people from 6,000,000
records. Instead this module compiles each standard into SQL over the
per person-year totals (``credit_year``: class × category; ``credit_total``:
also by source and rule) and lets the database judge everyone in one pass,
giving for each person ``passed``, the counted ``credits``, the ``gap`` (the
sum of what the unmet lines still miss) and ``fallback``: 1 where the totals
cannot give the pure computation's answer, and the caller runs
``evaluate`` on that person's records instead. The answers agree exactly:
``tests/api/test_statistics_agree.py`` compares them with ``evaluate`` for
every person of a generated unit, caps included.

Why the totals suffice, following ``evaluate`` step by step:

* Only effective records in force count, by activity date: the totals hold
  the effective records by activity year; someone with a record not yet in
  force (``latest_effective_at`` after now, 次日生效) falls back.
* A record counts only where some line matches it (by class or category)
  and has an amount in a measure such a line counts: the class × category
  cells are matched or not as a whole; within a cell only matched by lines of
  hours, records without hours are left out by ``*_credits_no_hours``.
* Caps take records in date order, each as much as every matching cap still
  allows. Where a cap's records total no more than its maximum, nothing is
  cut, in any order. Where they total more, exactly the maximum counts, and
  which records are cut matters only if the lines split the cap's records
  (some of its amount in a line, some outside it): then the person falls back.
  So do two overlapping caps of one measure that are both exceeded (the order
  decides), and a cap that limits a measure some of its cells are not judged
  in (their records' amounts in it are not all counted records').

Everything here is plain SQL on both databases: CASE, COALESCE, SUM; numbers
are compared with a margin of 0.001 (amounts have two places; SQLite sums
them as floats).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from server.compliance import Cap, Standard
from server.tables.credit_total import CATEGORIES, CLASSES, SOURCES

EPS = "0.001"
CELLS = tuple((klass, category) for klass in CLASSES for category in CATEGORIES)


def cell_column(cell: tuple[str, str], measure: str) -> str:
    """The credit_year column of a cell's measure (``credits``, ``hours`` or ``credits_no_hours``)."""
    return f"{cell[0].lower()}_{cell[1]}_{measure}"


def source_column(source: str, klass: str, measure: str) -> str:
    """The credit_year column of a source's class in a measure."""
    return f"src_{source}_{klass.lower()}_{measure}"


WIDE_COLUMNS = tuple(cell_column(cell, m) for cell in CELLS for m in ("credits", "hours", "credits_no_hours")) + tuple(
    source_column(source, klass, m) for source in SOURCES for klass in CLASSES for m in ("credits", "hours"))


def _line_matches(category: str, cell: tuple[str, str]) -> bool:
    if category == "total":
        return True
    if category in CLASSES:
        return cell[0] == category
    return cell[1] == category


def _cap_matches(cap: Cap, cell: tuple[str, str]) -> bool:
    return (cap.credit_class is None or cap.credit_class == cell[0]) and (
        cap.category is None or cap.category == cell[1])


def _overlap(a: Cap, b: Cap) -> bool:
    """Whether some record could match both caps."""
    return all(x is None or y is None or x == y for x, y in (
        (a.credit_class, b.credit_class), (a.category, b.category), (a.source, b.source),
        (a.rule_code, b.rule_code)))


def _num(value: Decimal) -> str:
    return format(Decimal(value), "f")


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _cells_sql(cells: tuple[tuple[str, str], ...]) -> str:
    """A WHERE on credit_total for these cells: by class where they are whole classes."""
    parts = []
    for klass in CLASSES:
        mine = [cell for cell in cells if cell[0] == klass]
        if len(mine) == len(CATEGORIES):
            parts.append(f"credit_class = {_sql_text(klass)}")
        else:
            parts += [f"(credit_class = {_sql_text(k)} AND category = {_sql_text(c)})" for k, c in mine]
    return "(" + " OR ".join(parts) + ")"


@dataclass
class Atoms:
    """The sums by source and rule that caps need, computed from credit_total per person.

    An atom is the sum of one measure over the rows matching one cap's source
    and rule in a group of cells; a cap's cells are grouped by the lines they
    count in, since only those sums tell whether the lines split it. Shared by
    every standard that needs the same one.
    """

    names: dict[tuple, str] = field(default_factory=dict)

    def get(self, cap: Cap, cells: tuple[tuple[str, str], ...], measure: str) -> str:
        key = (cap.source, cap.rule_code, cells, measure)
        if key not in self.names:
            self.names[key] = f"a{len(self.names)}"
        return self.names[key]

    def select(self) -> str:
        """``SUM(CASE …) AS aN`` for every atom."""
        parts = []
        for (source, rule, cells, measure), name in self.names.items():
            match = [_cells_sql(cells)] if set(cells) != set(CELLS) else []
            if source is not None:
                match.append(f"source = {_sql_text(source)}")
            if rule is not None:
                match.append(f"rule_code = {_sql_text(rule)}")
            parts.append(f"SUM(CASE WHEN {' AND '.join(match)} THEN {measure} ELSE 0 END) AS {name}")
        return ", ".join(parts)

    def where(self) -> str:
        """The rows any atom reads (so the subquery skips the rest)."""
        filters = set()
        for source, rule, _, _ in self.names:
            parts = ([f"source = {_sql_text(source)}"] if source is not None else []) + (
                [f"rule_code = {_sql_text(rule)}"] if rule is not None else [])
            filters.add("(" + " AND ".join(parts) + ")")
        return " OR ".join(sorted(filters))


@dataclass(frozen=True)
class Judged:
    """SQL expressions (over the row of one person) for one standard."""

    passed: str  # 1 or 0
    credits: str  # the counted credits
    gap: str  # what the unmet lines still miss, summed
    fallback: str  # 1 where the totals cannot answer


def _sum(terms: list[str]) -> str:
    return "(" + " + ".join(terms) + ")" if terms else "0"


def compile_standard(standard: Standard, atoms: Atoms) -> Judged:
    """``standard`` as SQL over a person's row ``e``: the wide columns and the atoms (``e.aN``)."""
    lines = standard.requirements
    matched = {cell: [j for j, line in enumerate(lines) if _line_matches(line.category, cell)] for cell in CELLS}
    measures_of = {cell: {lines[j].measure for j in matched[cell]} for cell in CELLS}
    candidates = [cell for cell in CELLS if matched[cell]]

    def amount(cell: tuple[str, str], measure: str) -> str:
        # What a cell's counted records hold in ``measure``.
        if measure == "credits" and measures_of[cell] == {"hours"}:
            return f"(e.{cell_column(cell, 'credits')} - e.{cell_column(cell, 'credits_no_hours')})"
        return f"e.{cell_column(cell, measure)}"

    caps = []
    for cap in standard.caps:
        cells = [cell for cell in candidates if _cap_matches(cap, cell)]
        by_rule = cap.source is not None or cap.rule_code is not None
        same = [j for j, line in enumerate(lines) if line.measure == cap.measure]
        # Cells counted in the same lines of the cap's measure are summed together: only those sums matter.
        groups: dict[tuple[int, ...], list[tuple[str, str]]] = {}
        for cell in cells:
            groups.setdefault(tuple(j for j in same if j in matched[cell]), []).append(cell)
        # Whole classes of one source: the wide row's source columns. Else the keyed totals (atoms).
        whole = (cap.source in SOURCES and cap.rule_code is None and cap.category is None
                 and all(len(members) % len(CATEGORIES) == 0 and len({c[0] for c in members}) * len(CATEGORIES)
                         == len(members) for members in groups.values()))
        part = {signature: (_sum([f"e.{source_column(cap.source, klass, cap.measure)}"
                                  for klass in sorted({c[0] for c in members})]) if whole
                            else f"e.{atoms.get(cap, tuple(members), cap.measure)}" if by_rule
                            else _sum([amount(cell, cap.measure) for cell in members]))
                for signature, members in groups.items()}
        total = _sum(list(part.values()))
        # Exact only where every cell it limits is judged in the cap's measure (see the module text);
        # credits in cells judged in hours alone are exact from the wide row, not by rule.
        inexact = any(cap.measure not in measures_of[cell] and (by_rule or cap.measure == "hours")
                      for cell in cells)
        in_line = {j: _sum([sql for signature, sql in part.items() if j in signature]) for j in same}
        exceeded = f"{total} > {_num(cap.max)} + {EPS}"
        caps.append((cap, total, exceeded, f"({total} - {_num(cap.max)})", in_line, inexact))

    earned = []
    for j, line in enumerate(lines):
        raw = _sum([f"e.{cell_column(cell, line.measure)}" for cell in CELLS if j in matched[cell]])
        cuts = [f"CASE WHEN {exceeded} AND {in_line[j]} > {EPS} THEN {cut} ELSE 0 END"
                for cap, total, exceeded, cut, in_line, _ in caps if j in in_line]
        earned.append(f"({raw} - {_sum(cuts)})" if cuts else raw)
    met = [f"{earned[j]} >= {_num(line.min)} - {EPS}" for j, line in enumerate(lines)]
    passed = f"CASE WHEN {' AND '.join(met)} THEN 1 ELSE 0 END" if met else "1"
    gap = _sum([f"CASE WHEN {earned[j]} < {_num(line.min)} - {EPS} THEN {_num(line.min)} - {earned[j]} ELSE 0 END"
                for j, line in enumerate(lines)])
    credits = _sum([amount(cell, "credits") for cell in candidates])
    cuts = [f"CASE WHEN {exceeded} THEN {cut} ELSE 0 END" for cap, _, exceeded, cut, _, _ in caps
            if cap.measure == "credits"]
    if cuts:
        credits = f"({credits} - {_sum(cuts)})"

    unsure = []
    for cap, total, exceeded, _, in_line, inexact in caps:
        split = [f"({part} > {EPS} AND {part} < {total} - {EPS})" for part in in_line.values()]
        if inexact:
            unsure.append(f"({exceeded})")
        elif split:
            unsure.append(f"({exceeded} AND ({' OR '.join(split)}))")
    for a in range(len(caps)):
        for b in range(a + 1, len(caps)):
            if caps[a][0].measure == caps[b][0].measure and _overlap(caps[a][0], caps[b][0]):
                unsure.append(f"({caps[a][2]} AND {caps[b][2]})")
    fallback = f"CASE WHEN {' OR '.join(unsure)} THEN 1 ELSE 0 END" if unsure else "0"
    return Judged(passed=passed, credits=credits or "0", gap=gap, fallback=fallback)


@dataclass(frozen=True)
class Verdicts:
    """The per-person SQL for a set of standard sets (people's ``sset`` picks one set)."""

    passed: str
    credits: str
    gap: str
    fallback: str
    atoms: Atoms


def compile_sets(sets: list[tuple[Standard, ...]], at: dt.datetime) -> tuple[Verdicts, list]:
    """Expressions choosing by ``e.sset`` (an index into ``sets``; -1: no standard applies; NULL: unknown,
    falls back). Returns the expressions and the arguments their placeholders take (the instant ``at``)."""
    atoms = Atoms()
    judged: dict[int, Judged] = {}
    for standards in sets:
        for standard in standards:
            if standard.id not in judged:
                judged[standard.id] = compile_standard(standard, atoms)

    def choose(pick, empty: str, unknown: str) -> str:
        branches = " ".join(f"WHEN {i} THEN {pick(standards)}" for i, standards in enumerate(sets))
        return f"CASE e.sset WHEN -1 THEN {empty} {branches} ELSE {unknown} END"

    passed = choose(lambda ss: _product([judged[s.id].passed for s in ss]), "0", "0")
    # A person judged by two schemes: the first (CME) says what counted, as their results list it.
    credits = choose(lambda ss: judged[ss[0].id].credits if ss else "0", "0", "0")
    gap = choose(lambda ss: _sum([judged[s.id].gap for s in ss]), "0", "0")
    late = "e.latest IS NOT NULL AND e.latest > {}"
    fallback = (f"CASE WHEN e.sset IS NULL THEN 1 WHEN e.sset = -1 THEN 0 WHEN {late} THEN 1 ELSE "
                + choose(lambda ss: _any([judged[s.id].fallback for s in ss]), "0", "1") + " END")
    return Verdicts(passed, credits, gap, fallback, atoms), [at]


def _product(terms: list[str]) -> str:
    if not terms:
        return "0"
    return terms[0] if len(terms) == 1 else "(" + " * ".join(f"({t})" for t in terms) + ")"


def _any(terms: list[str]) -> str:
    if not terms:
        return "0"
    return terms[0] if len(terms) == 1 else f"CASE WHEN {' + '.join(f'({t})' for t in terms)} > 0 THEN 1 ELSE 0 END"
