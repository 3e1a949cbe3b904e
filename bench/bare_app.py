"""The floor under every request: a bare Litestar endpoint served like ``jijiao serve``.

``python -m bench.bare_app --port P`` runs uvicorn with the flags ``server.cli``
uses (one worker, access log off, log level info), so the difference between
its req/s and the check-in throughput is what the application itself costs.
"""

from __future__ import annotations

import argparse

from litestar import Litestar, get


@get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}


app = Litestar(route_handlers=[ping], openapi_config=None)


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    # Same as server/cli.py cmd_serve: workers=1, access_log off, log_level info.
    uvicorn.run("bench.bare_app:app", host=args.host, port=args.port, workers=1,
                access_log=False, log_level="info")


if __name__ == "__main__":
    main()
