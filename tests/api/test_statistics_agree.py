"""The totals' answers against the one computation's, person by person, for standards with every
kind of cap: the SQL of server/services/rollup.py must agree with server/compliance.evaluate
wherever it answers, and say so where it cannot (the records then answer)."""

from __future__ import annotations

import json
import random
from decimal import Decimal

from tests.api.statistics_helpers import YEAR, generate

CATEGORIES = ["total", "I", "II", "public", "professional", "elective"]


def _standards(rng: random.Random, count: int) -> list[dict]:
    """Standards only chosen by name (auto_apply false): lines of both measures, caps by class,
    category, source, rule, source and class, or nothing."""
    made = []
    for n in range(count):
        lines = [{"measure": rng.choice(["credits", "hours"]), "category": category, "min": rng.choice([3, 5, 8, 12])}
                 for category in rng.sample(CATEGORIES, rng.randint(1, 3))]
        caps = []
        for _ in range(rng.randint(1, 3)):
            cap = {"measure": rng.choice(["credits", "hours"]), "max": rng.choice([1, 2, 4, 6])}
            kind = rng.choice(["class", "category", "source", "rule_code", "source+class", "none"])
            if "class" in kind:
                cap["class"] = rng.choice(["I", "II"])
            if kind == "category":
                cap["category"] = rng.choice(["public", "professional", "elective"])
            if "source" in kind:
                cap["source"] = rng.choice(["attendance", "personal", "course", "class"])
            if kind == "rule_code":
                cap["rule_code"] = rng.choice(["self_training", "out_national"])
            caps.append(cap)
        made.append({"name": f"一致性测试标准{n}", "requirements": lines, "caps": caps})
    return made


def test_the_totals_agree_with_each_persons_records_for_every_kind_of_cap(client):
    from server import clock
    from server.services import compliance as judging
    from server.services import statistics
    from server.tables import Standard

    generate(client, seed=23, per_person=(0, 25))
    rng = random.Random(23)

    async def check() -> tuple[int, int]:
        ids = []
        for standard in _standards(rng, 10):
            row = Standard(year=YEAR, region_code=None, name=standard["name"], scheme="cme", auto_apply=False,
                           requirements=json.dumps(standard["requirements"]), caps=json.dumps(standard["caps"]))
            await row.save()
            ids.append(row.id)
        who = statistics.Who("p.joins_cme = {} AND p.status = {}", [True, "正常"])
        at = clock.now()
        answered = disagreed = 0
        for standard_id in [*ids, None]:
            rows, _ = await statistics._rows(who, YEAR, standard_id, at, key="unit", grouped=False)
            records = await judging.results_for([r["pid"] for r in rows], YEAR, at, standard_id)
            for row in rows:
                if row["fallback"]:
                    continue
                answered += 1
                passed, credits, gap = statistics.verdict_of(records[row["pid"]])
                if (bool(row["passed"]), round(Decimal(str(row["credits"])), 2), round(Decimal(str(row["gap"])), 2)) \
                        != (passed, round(credits, 2), round(gap, 2)):
                    disagreed += 1
        return answered, disagreed

    answered, disagreed = client.blocking_portal.call(check)
    # Most verdicts come from the totals (the rest, capped records split across lines, from the records).
    assert answered > 250 and disagreed == 0


def test_several_years_at_once_judge_as_each_year_alone(client):
    from server import clock
    from server.services import compliance as judging

    generate(client, seed=5, per_person=(2, 12))

    async def both():
        at = clock.now()
        years = [YEAR - 2, YEAR - 1, YEAR]
        people = list(range(1, 30))
        together = await judging.results_for_years(people, years, at)
        alone = {year: await judging.results_for(people, year, at) for year in years}
        shape = lambda results: [(r.standard.id, r.passed, r.lines, r.excluded) for r in results]  # noqa: E731
        return [(p, y) for p in people for y in years
                if shape(together.get(p, {}).get(y, [])) != shape(alone[y].get(p, []))], sum(
            len(r) for y in years for r in alone[y].values())

    differing, judged = client.blocking_portal.call(both)
    assert judged > 20 and differing == []
