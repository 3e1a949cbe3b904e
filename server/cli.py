"""The ``jijiao`` command: serve, migrate, demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from server.settings import load_settings

log = logging.getLogger("jijiao")


async def _with_engine(work) -> object:  # type: ignore[no-untyped-def]
    """Open the configured engine, run ``work()``, and always close it again."""
    from server.db import close_engine, configure_engine, open_engine
    from server.piccolo_conf import DB

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    configure_engine(DB, settings)
    await open_engine(DB)
    try:
        return await work()
    finally:
        await close_engine(DB)


def cmd_migrate(_: argparse.Namespace) -> int:
    from server.migrate import migrate

    asyncio.run(_with_engine(migrate))
    print("数据库迁移完成 (migrations applied)")
    return 0


def cmd_demo(_: argparse.Namespace) -> int:
    from server.migrate import migrate
    from server.services.demo import load_demo

    async def work():  # type: ignore[no-untyped-def]
        await migrate()
        return await load_demo()

    added = asyncio.run(_with_engine(work))
    print(f"演示数据已就绪：新增账号 {added['accounts']} 个，人员 {added['people']} 名")  # type: ignore[index]
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    """The weekly run: reminders to at-risk trainees of regions in season, digests to their admins."""
    import datetime as dt

    from server.migrate import migrate
    from server.services import reminders
    from server.services.sms import gateway_for

    gateway = gateway_for(load_settings())
    moment = None
    if args.date:
        # Noon China time of the given day: a run "as of" that date (back-filling, tests).
        moment = dt.datetime.combine(dt.date.fromisoformat(args.date), dt.time(12),
                                     dt.timezone(dt.timedelta(hours=8)))

    async def work():  # type: ignore[no-untyped-def]
        await migrate()
        return await reminders.weekly(gateway=gateway, moment=moment)

    done = asyncio.run(_with_engine(work))
    print(f"学分提醒：{done['units']} 个单位在提醒期内，未达标 {done['at_risk']} 人，"  # type: ignore[index]
          f"本次提醒 {done['reminded']} 人（本周已提醒 {done['already']} 人），"  # type: ignore[index]
          f"管理员周报 {done['digests']} 份，发出短信 {done['texts']} 条")  # type: ignore[index]
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.migrate import migrate

    settings = load_settings()
    workers = args.workers
    if settings.is_sqlite and workers > 1:
        # Two processes writing one SQLite file fight over its lock and wreck
        # tail latency; PostgreSQL is the database for several workers.
        log.warning("SQLite serves from one process; ignoring --workers %d (use PostgreSQL to scale out)", workers)
        workers = 1
    if workers > 1 and "JIJIAO_PG_POOL_SIZE" not in os.environ:
        # Each worker opens its own pool: share a budget of 60 connections among them.
        os.environ["JIJIAO_PG_POOL_SIZE"] = str(max(4, 60 // workers))
    asyncio.run(_with_engine(migrate))
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        access_log=args.access_log,
        log_level="info",
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from server.backup import BackupError, backup

    try:
        written = backup(load_settings(), args.file)
    except BackupError as error:
        print(f"备份失败：{error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"已写入 {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from server.backup import BackupError, restore

    try:
        done = restore(load_settings(), args.file)
    except BackupError as error:
        print(f"恢复失败：{error}", file=sys.stderr)
        return 1
    for line in done:
        print(line)
    print("恢复完成；启动前会自动应用新的迁移 (jijiao serve / jijiao migrate)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jijiao", description="继教: continuing medical education credits")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="apply migrations, then serve the API and the PWA")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.add_argument("--proxy-headers", action="store_true",
                       help="trust X-Forwarded-For from --forwarded-allow-ips (behind a reverse proxy)")
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply pending migrations and exit").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="load the demo data set (idempotent)").set_defaults(func=cmd_demo)
    remind = sub.add_parser("remind", help="weekly: remind at-risk trainees of regions in season, digest to admins")
    remind.add_argument("--date", help="run as of this day (YYYY-MM-DD, China time); default today")
    remind.set_defaults(func=cmd_remind)
    backup = sub.add_parser("backup", help="write a consistent copy of the database (and uploaded files) "
                                           "while the server runs")
    backup.add_argument("file", type=Path, help="the backup to write (FILE, and FILE.files.tar beside it)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="put a backup back into an empty database")
    restore.add_argument("file", type=Path, help="a file written by jijiao backup")
    restore.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
