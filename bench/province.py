"""A synthetic province, bulk-loaded straight into a migrated jijiao database.

    python -m bench.province --people 100000 --records 6000000   (JIJIAO_DATABASE_URL set)

合成省 (980000) with ten cities, ``units`` hospitals and their departments,
``people`` health professionals and ``records`` credit records over the five
years ending this year (about twelve a person-year: attendance, personal
entries by catalogue rule, CME projects, provider classes, public courses,
speakers; mostly effective, some pending, returned, rejected or revoked).

Shape, so the benchmark has its figures to measure:

* unit 0 is a big hospital of ``big_unit`` people (5,000 by default) whose
  first department has ``register`` people (1,000) — the register PDF's size;
* the other people spread evenly over the other units (about 475 each).

Loading goes around the ORM on purpose (SQLite ``executemany`` with the
credit table's indexes dropped and rebuilt after; PostgreSQL ``COPY``), and
writes only what the statistics read: no credit_event rows. Values are
deterministic for a given shape (a seeded RNG), so two runs build the same
province.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

PROVINCE = ("980000", "合成省")
CITIES = [(f"98{i:02d}00", f"合成{name}市") for i, name in enumerate(
    ["东", "西", "南", "北", "中", "江", "河", "山", "湖", "海"], start=1)]
DEPARTMENTS = ["内科", "外科", "儿科", "妇产科", "急诊科", "护理部", "检验科", "放射科", "眼科", "口腔科",
               "麻醉科", "病理科", "康复科", "中医科", "皮肤科", "耳鼻喉科", "感染科", "肿瘤科", "心内科",
               "神经内科"]
# (title level, titles, share)
LEVELS = [("正高", ["主任医师", "主任护师", "主任技师"], 0.08), ("副高", ["副主任医师", "副主任护师"], 0.17),
          ("中级", ["主治医师", "主管护师", "主管技师"], 0.35), ("初级", ["住院医师", "护师", "技师"], 0.35),
          ("无", [""], 0.05)]
UNIT_LEVELS = ["省直", "市直属", "区县", "区县", "其他"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华东燕鹏辉玲婷雪琳"
CHINA = dt.timezone(dt.timedelta(hours=8))

# (source, class, category, rule_code, credits range, hours per credit, share)
KINDS = [
    ("attendance", "II", "professional", "", (0.5, 2.0), 2.0, 0.40),
    ("speaker", "II", "professional", "", (1.0, 2.0), 1.0, 0.04),
    ("project", "I", "professional", "", (2.0, 8.0), 3.0, 0.16),
    ("personal", "I", "professional", "out_national", (1.0, 6.0), 3.0, 0.05),
    ("personal", "II", "professional", "self_training", (1.0, 3.0), 3.0, 0.08),
    ("personal", "II", "professional", "paper_core", (10.0, 15.0), 0.0, 0.01),
    ("class", "II", "elective", "", (1.0, 6.0), 1.0, 0.11),
    ("course", "II", "public", "", (2.0, 8.0), 1.0, 0.15),
]
# Status of a record of a past year / of this year: (status, share).
PAST_STATUS = [("effective", 0.93), ("rejected", 0.02), ("revoked", 0.01), ("returned", 0.01),
               ("pending_unit", 0.03)]
THIS_STATUS = [("effective", 0.75), ("pending_dept", 0.12), ("pending_unit", 0.08), ("returned", 0.03),
               ("rejected", 0.02)]


@dataclass
class Shape:
    people: int = 100_000
    records: int = 6_000_000
    units: int = 200
    years: tuple[int, ...] = field(default_factory=lambda: tuple(range(dt.date.today().year - 4,
                                                                        dt.date.today().year + 1)))
    seed: int = 20261206

    @property
    def big_unit(self) -> int:
        return min(5000, max(self.people // 4, 1))

    @property
    def register(self) -> int:
        return min(1000, max(self.big_unit // 2, 1))


@dataclass
class Built:
    shape: Shape
    region_id: int
    big_unit_id: int
    register_department_id: int
    unit_ids: list[int]
    seconds: float
    counts: dict


def log(message: str) -> None:
    print(f"[province {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _pick(rng: random.Random, table: list[tuple]) -> tuple:
    x, total = rng.random(), 0.0
    for row in table:
        total += row[-1]
        if x < total:
            return row
    return table[-1]


# -- rows ----------------------------------------------------------------------------


def organisation(shape: Shape, rng: random.Random) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Regions (code, name, level, parent code), units (index, name, code, region code, level) and
    departments (unit index, name, order)."""
    regions = [(PROVINCE[0], PROVINCE[1], "province", None)]
    regions += [(code, name, "city", PROVINCE[0]) for code, name in CITIES]
    units, departments = [], []
    for u in range(shape.units):
        city = CITIES[u % len(CITIES)][0]
        level = "省直" if u == 0 else UNIT_LEVELS[u % len(UNIT_LEVELS)]
        units.append((u, f"合成第{u + 1}医院", f"98U{u:05d}", city, level))
        count = 20 if u == 0 else 8 + u % 8
        for d in range(count):
            departments.append((u, DEPARTMENTS[d], d))
    return regions, units, departments


def person_unit_department(shape: Shape, p: int, departments_of: dict[int, int]) -> tuple[int, int]:
    """(unit index, department index within the unit) of person ``p``."""
    if p < shape.big_unit:
        if p < shape.register:
            return 0, 0
        return 0, 1 + (p - shape.register) % (departments_of[0] - 1)
    u = 1 + (p - shape.big_unit) % max(shape.units - 1, 1) if shape.units > 1 else 0
    return u, (p // max(shape.units - 1, 1)) % departments_of[u]


def person_row(p: int, rng: random.Random) -> dict:
    from server.services.idcard import make_id_number

    level, titles, _ = _pick(rng, LEVELS)
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=(p * 37) % 14_000)
    female = rng.random() < 0.55
    return {
        "id_number": make_id_number(f"98{(p // 1000) % 10000:04d}", birth, p % 1000),
        "name": _SURNAMES[p % len(_SURNAMES)] + _GIVEN[(p * 7) % len(_GIVEN)] + (
            _GIVEN[(p * 13) % len(_GIVEN)] if p % 3 else ""),
        "sex": "女" if female else "男",
        "birth_date": birth,
        "title": titles[p % len(titles)],
        "title_level": level,
        "staffing": "在编" if rng.random() < 0.8 else "编外",
        "status": "正常" if rng.random() < 0.95 else rng.choice(["调出", "退休", "离职"]),
        "phone": f"1{rng.choice('3578')}{p:09d}",
        "specialty": "",
        "person_no": f"S{p:09d}",
        "joins_cme": rng.random() < 0.97,
    }


CREDIT_COLUMNS = ("person", "unit", "department", "year", "activity_date", "credit_class", "category",
                  "rule_code", "title", "credits", "hours", "source", "status", "created_at", "updated_at",
                  "effective_at")


def credit_rows(shape: Shape, person_ids: list[int], places: list[tuple[int, int]], rng: random.Random,
                value=lambda v: v):
    """Yield credit rows (tuples of CREDIT_COLUMNS) for every person-year, about ``shape.records`` in all.

    ``value`` turns dates, timestamps and decimals into what the loader binds; it
    runs once per calendar day and amount, not once per row (6 M rows).
    """
    person_years = len(person_ids) * len(shape.years)
    per = shape.records / max(person_years, 1)
    this_year = dt.date.today().year
    now = dt.datetime.now(dt.timezone.utc)
    days: dict[int, list[tuple]] = {}
    for year in shape.years:
        last_day = now.astimezone(CHINA).date() if year == this_year else dt.date(year, 12, 31)
        days[year] = []
        for offset in range((last_day - dt.date(year, 1, 1)).days + 1):
            day = dt.date(year, 1, 1) + dt.timedelta(days=offset)
            created = dt.datetime.combine(day, dt.time(9, 0), CHINA).astimezone(dt.timezone.utc)
            effective = min(created + dt.timedelta(days=7), now - dt.timedelta(hours=1))
            days[year].append((value(day), value(created), value(effective)))
    amounts = {}
    for kind in KINDS:
        low, high = kind[4]
        steps = [max(0.5, round((low + (high - low) * i / 20) * 2) / 2) for i in range(21)]
        amounts[kind] = [(value(c), value(round(c * kind[5], 2))) for c in steps]
    titles = {(year, k): f"{year}年{DEPARTMENTS[k % len(DEPARTMENTS)]}继续教育活动{k + 1}"
              for year in shape.years for k in range(int(per * 2) + 2)}
    made = 0
    for index, person in enumerate(person_ids):
        unit, department = places[index]
        # Some people do much more than others: the gap to the standard varies.
        zeal = 0.4 + rng.random() * 1.2
        for year in shape.years:
            n = min(int(per * zeal + rng.random()), shape.records - made)
            status_table = THIS_STATUS if year == this_year else PAST_STATUS
            year_days = days[year]
            for k in range(n):
                kind = _pick(rng, KINDS)
                credits, hours = rng.choice(amounts[kind])
                day, created, effective = rng.choice(year_days)
                status = _pick(rng, status_table)[0]
                counted = status in ("effective", "revoked")
                yield (person, unit, department, year, day, kind[1], kind[2], kind[3],
                       titles.get((year, k)) or f"{year}年继续教育活动{k + 1}", credits, hours, kind[0], status,
                       created, effective if counted else created, effective if counted else None)
            made += n


# -- loading -------------------------------------------------------------------------


class Loader:
    """Inserts rows into one table at a time, only the columns the table has."""

    async def columns(self, table: str) -> list[str]: ...
    async def insert(self, table: str, rows: list[dict], *, returning: bool = False) -> list[int]: ...
    async def insert_tuples(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None: ...
    async def drop_indexes(self, table: str) -> list[str]: ...
    async def run(self, statements: list[str]) -> None: ...
    async def close(self) -> None: ...


class SqliteLoader(Loader):
    def __init__(self, path: str) -> None:
        import sqlite3

        self.db = sqlite3.connect(path, isolation_level=None)
        # Bulk load only: a crash mid-load leaves a database nobody uses.
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA foreign_keys = OFF")
        self.db.execute("PRAGMA cache_size = -200000")

    async def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.db.execute(f'PRAGMA table_info("{table}")')]

    async def insert(self, table: str, rows: list[dict], *, returning: bool = False) -> list[int]:
        if not rows:
            return []
        have = set(await self.columns(table))
        names = [c for c in rows[0] if c in have]
        sql = f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
        convert = _sqlite_value
        self.db.execute("BEGIN")
        first = self.db.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"').fetchone()[0]
        self.db.executemany(sql, ([convert(row[n]) for n in names] for row in rows))
        self.db.execute("COMMIT")
        # One writer, no gaps: the new ids are the next ones in order.
        return list(range(first + 1, first + 1 + len(rows))) if returning else []

    async def insert_tuples(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        keep = _keep(columns, await self.columns(table))
        names = [columns[i] for i in keep]
        sql = f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
        self.db.execute("BEGIN")
        self.db.executemany(sql, rows if len(keep) == len(columns) else ([r[i] for i in keep] for r in rows))
        self.db.execute("COMMIT")

    async def drop_indexes(self, table: str) -> list[str]:
        rows = self.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                               "AND sql IS NOT NULL", (table,)).fetchall()
        for name, _ in rows:
            self.db.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in rows]

    async def run(self, statements: list[str]) -> None:
        for statement in statements:
            self.db.execute(statement)

    async def close(self) -> None:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("ANALYZE")
        self.db.close()


def _sqlite_value(value):
    # As Piccolo's adapters store them: UTC text timestamps, ISO dates, floats for decimals.
    if isinstance(value, dt.datetime):
        return str(value.astimezone(dt.timezone.utc))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    return value


class PostgresLoader(Loader):
    def __init__(self, connection) -> None:  # type: ignore[no-untyped-def]
        self.db = connection

    @classmethod
    async def open(cls, url: str) -> "PostgresLoader":
        import asyncpg

        return cls(await asyncpg.connect(url))

    async def columns(self, table: str) -> list[str]:
        rows = await self.db.fetch("SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
                                   "ORDER BY ordinal_position", table)
        return [r["column_name"] for r in rows]

    async def insert(self, table: str, rows: list[dict], *, returning: bool = False) -> list[int]:
        if not rows:
            return []
        have = set(await self.columns(table))
        names = [c for c in rows[0] if c in have]
        if returning:
            start = await self.db.fetchval(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
            ids = list(range(start, start + len(rows)))
            await self.db.fetchval(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), $1)", ids[-1])
            await self.db.copy_records_to_table(table, columns=["id", *names],
                                                records=([i, *(_pg_value(row[n]) for n in names)]
                                                         for i, row in zip(ids, rows)))
            return ids
        await self.db.copy_records_to_table(table, columns=names,
                                            records=([_pg_value(row[n]) for n in names] for row in rows))
        return []

    async def insert_tuples(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        keep = _keep(columns, await self.columns(table))
        await self.db.copy_records_to_table(table, columns=[columns[i] for i in keep],
                                            records=rows if len(keep) == len(columns) else
                                            ([r[i] for i in keep] for r in rows))

    async def drop_indexes(self, table: str) -> list[str]:
        rows = await self.db.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = $1 AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", table)
        for row in rows:
            await self.db.execute(f'DROP INDEX "{row["indexname"]}"')
        return [r["indexdef"] for r in rows]

    async def run(self, statements: list[str]) -> None:
        for statement in statements:
            await self.db.execute(statement)

    async def close(self) -> None:
        await self.db.execute("ANALYZE")
        await self.db.close()


def _keep(columns: tuple[str, ...], have: list[str]) -> list[int]:
    """Positions of ``columns`` the table has (a column another branch adds may be missing)."""
    present = set(have)
    return [i for i, name in enumerate(columns) if name in present]


def _pg_value(value):
    if isinstance(value, float):
        return Decimal(str(value))
    return value


async def load(loader: Loader, shape: Shape) -> Built:
    """Build the province into an empty, migrated database."""
    started = time.monotonic()
    rng = random.Random(shape.seed)
    regions, units, departments = organisation(shape, rng)
    region_ids: dict[str, int] = {}
    for code, name, level, parent in regions:
        [region_ids[code]] = await loader.insert("region", [{
            "code": code, "name": name, "level": level, "parent": region_ids.get(parent) if parent else None,
            "prefix": code[:2] if level == "province" else code[:4]}], returning=True)
    unit_ids = await loader.insert("unit", [{
        "name": name, "code": code, "region": region_ids[city], "region_code": city, "level": level,
        "active": True, "created_at": dt.datetime.now(dt.timezone.utc)} for _, name, code, city, level in units],
        returning=True)
    department_ids = await loader.insert("department", [{
        "unit": unit_ids[u], "name": name, "sort_order": order, "active": True,
        "created_at": dt.datetime.now(dt.timezone.utc)} for u, name, order in departments], returning=True)
    by_unit: dict[int, list[int]] = {}
    for (u, _, _), department_id in zip(departments, department_ids):
        by_unit.setdefault(u, []).append(department_id)
    departments_of = {u: len(ids) for u, ids in by_unit.items()}
    log(f"{len(regions)} regions, {len(unit_ids)} units, {len(department_ids)} departments")

    person_ids: list[int] = []
    places: list[tuple[int, int]] = []
    now = dt.datetime.now(dt.timezone.utc)
    chunk = 20_000
    for start in range(0, shape.people, chunk):
        rows = []
        for p in range(start, min(start + chunk, shape.people)):
            u, d = person_unit_department(shape, p, departments_of)
            row = person_row(p, rng)
            row.update(unit=unit_ids[u], department=by_unit[u][d], created_at=now, updated_at=now)
            rows.append(row)
            places.append((unit_ids[u], by_unit[u][d]))
        person_ids += await loader.insert("person", rows, returning=True)
    log(f"{len(person_ids)} people")

    indexes = await loader.drop_indexes("credit")
    batch: list[tuple] = []
    made = 0
    t0 = time.monotonic()
    value = _sqlite_value if isinstance(loader, SqliteLoader) else _pg_value
    for row in credit_rows(shape, person_ids, places, rng, value):
        batch.append(row)
        if len(batch) >= 100_000:
            await loader.insert_tuples("credit", CREDIT_COLUMNS, batch)
            made += len(batch)
            batch = []
            if made % 1_000_000 == 0:
                log(f"{made:,} records ({made / (time.monotonic() - t0):,.0f}/s)")
    await loader.insert_tuples("credit", CREDIT_COLUMNS, batch)
    made += len(batch)
    log(f"{made:,} records in {time.monotonic() - t0:.1f}s; rebuilding {len(indexes)} indexes")
    await loader.run(indexes)
    return Built(shape=shape, region_id=region_ids[PROVINCE[0]], big_unit_id=unit_ids[0],
                 register_department_id=by_unit[0][0], unit_ids=unit_ids, seconds=time.monotonic() - started,
                 counts={"people": len(person_ids), "records": made, "units": len(unit_ids)})


async def build(database_url: str, shape: Shape) -> Built:
    loader: Loader
    if database_url.startswith("sqlite:///"):
        loader = SqliteLoader(database_url[len("sqlite:///"):])
    else:
        loader = await PostgresLoader.open(database_url)
    try:
        return await load(loader, shape)
    finally:
        await loader.close()


def main(argv: list[str] | None = None) -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=Shape.people)
    parser.add_argument("--records", type=int, default=Shape.records)
    parser.add_argument("--units", type=int, default=Shape.units)
    args = parser.parse_args(argv)
    built = asyncio.run(build(os.environ["JIJIAO_DATABASE_URL"], Shape(args.people, args.records, args.units)))
    log(f"built in {built.seconds:.1f}s: {built.counts}")


if __name__ == "__main__":
    main()
