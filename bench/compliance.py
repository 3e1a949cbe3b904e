"""One person's compliance for a year, in the pure function: the target is 200 records in under 1 ms.

    python -m bench.compliance [--records 200] [--repeat 2000]

Times ``server.compliance.evaluate`` on a year of records shaped like a busy
trainee's (in-house check-ins, personal entries, a few pending and not yet in
force, some of another year) against the demo province's table (three lines,
one cap) and Guangdong's hours table (three lines), plus ``applicable`` over
the seeded standards of a year. Prints the median and the 99th percentile per call.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from decimal import Decimal

from server.compliance import Cap, Profile, Record, Requirement, Standard, applicable, evaluate

CHINA = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 11, 30, 12, 0, tzinfo=CHINA)


def records(n: int, seed: int = 7) -> list[Record]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
        if i % 40 == 0:
            day = dt.date(2025, 12, 31)
        source = rng.choice(["attendance", "attendance", "attendance", "personal", "speaker", "project"])
        status = "effective" if rng.random() < 0.85 else rng.choice(["pending_dept", "pending_unit"])
        effective_at = None
        if status == "effective" and source == "personal":
            effective_at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), CHINA)
        out.append(Record(
            credit_id=i + 1, activity_date=day, credit_class=rng.choice(["I", "II", "II"]),
            category=rng.choice(["public", "professional", "professional", "elective"]), source=source,
            rule_code="self_training" if source == "personal" else "",
            credits=Decimal(rng.choice(["0.5", "0.2", "1", "2", "0.33"])),
            hours=Decimal(rng.choice(["1", "2", "1.5", "3"])), status=status, effective_at=effective_at))
    return out


DEMO = Standard(id=1, year=2026, name="示例省 省直/市直属 中级及以上", scheme="cme", region_code="990000",
                region_prefix="99", title_levels=("正高", "副高", "中级"), unit_levels=("省直", "市直属"),
                requirements=(Requirement("credits", "total", Decimal(25)), Requirement("credits", "I", Decimal(10)),
                              Requirement("credits", "II", Decimal(15))),
                caps=(Cap("credits", Decimal(10), source="attendance"),))
GD = Standard(id=2, year=2026, name="广东省", scheme="hours", region_code="440000", region_prefix="44",
              requirements=(Requirement("hours", "public", Decimal(30)),
                            Requirement("hours", "professional", Decimal(42)),
                            Requirement("hours", "elective", Decimal(18))), certificate_requires_pass=True)


def timed(fn, repeat: int) -> tuple[float, float, float]:
    """Median and p99 wall time per call, and CPU time per call (the thread's own: a busy
    machine stretches wall time, not this), in microseconds."""
    samples = []
    cpu_start = time.thread_time()
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e6)
    cpu = (time.thread_time() - cpu_start) * 1e6 / repeat
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1], cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args(argv)
    rows = records(args.records)
    profile = Profile(year=2026, region_code="990102", title_level="中级", unit_level="省直")
    standards = [DEMO, GD] + [Standard(id=10 + i, year=2026, name=f"s{i}", scheme="cme", region_code="990000",
                                       region_prefix="99", title_levels=("初级",),
                                       requirements=(Requirement("credits", "total", Decimal(25)),))
                              for i in range(20)]
    for _ in range(200):  # warm up
        evaluate(DEMO, rows, 2026, AT)
    results = {
        "evaluate demo (3 lines, 1 cap)": timed(lambda: evaluate(DEMO, rows, 2026, AT), args.repeat),
        "evaluate guangdong (3 hour lines)": timed(lambda: evaluate(GD, rows, 2026, AT), args.repeat),
        "applicable (22 standards)": timed(lambda: applicable(standards, profile), args.repeat),
    }
    result = evaluate(DEMO, rows, 2026, AT)
    print(f"{args.records} records: passed={result.passed}, "
          + ", ".join(f"{l.category} {l.earned}/{l.required}" for l in result.lines)
          + f", {len(result.excluded)} excluded")
    for name, (median, p99, cpu) in results.items():
        print(f"  {name:<36} median {median:8.1f} us   p99 {p99:8.1f} us   cpu {cpu:8.1f} us/call")
    median, _, _ = results["evaluate demo (3 lines, 1 cap)"]
    print(f"compliance person-year: {median / 1000:.3f} ms median for {args.records} records "
          f"({'PASS' if median < 1000 else 'FAIL'} < 1 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
