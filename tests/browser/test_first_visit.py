"""A check-in link's first visit on a slow phone network (issue 13), measured in Chromium.

The phone (WeChat's browser, nothing cached, not logged in) opens the QR's link under DevTools-style
"Slow 3G" throttling (400 ms round trip, 400 kbit/s each way, Network.emulateNetworkConditions).
Before the check-in request (POST /api/claims) is sent, at most 60 KB may have come over the wire
and at most 3 round trips may have passed: the HTML, then every module and stylesheet at once (the
route's preloads), then the request itself. Round trips are counted in waves: a request is one wave
after the latest response that had arrived before it was sent (an upper bound of the chain of what
caused it, also printed from CDP's initiators). The figures are printed.

Accounts: dept1 opens the training (through the API); nobody logs in in the browser.
"""

from __future__ import annotations

from tests.browser.conftest import WECHAT_UA
from tests.browser.trainee_api import api_client, code_now, open_training, unique_title

LATENCY_MS = 400
BYTES_PER_S = 400 * 1000 // 8
BUDGET_BYTES = 60 * 1024
BUDGET_ROUND_TRIPS = 3


class Recorder:
    """Requests as CDP reports them: who caused each, and how many bytes came."""

    def __init__(self, cdp) -> None:
        self.sent: dict[str, dict] = {}
        self.bytes: dict[str, int] = {}
        self.finished: dict[str, float] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event: dict) -> None:
        self.sent.setdefault(event["requestId"], event)

    def _finished(self, event: dict) -> None:
        self.bytes[event["requestId"]] = int(event["encodedDataLength"])
        self.finished[event["requestId"]] = event["timestamp"]

    def _causes(self, event: dict) -> set[str]:
        initiator = event.get("initiator", {})
        urls = {initiator.get("url", "")}
        stack = initiator.get("stack")
        while stack:
            urls.update(frame.get("url", "") for frame in stack.get("callFrames", []))
            stack = stack.get("parent")
        return {u for u in urls if u}

    def depth(self, request_id: str) -> int:
        """1 for the document; else 1 + the deepest of the resources that caused it."""
        by_url = {}
        for rid, event in self.sent.items():
            by_url.setdefault(event["request"]["url"].split("#")[0], rid)
        memo: dict[str, int] = {}

        def walk(rid: str, seen: frozenset) -> int:
            if rid in memo:
                return memo[rid]
            causes = [by_url[u] for u in self._causes(self.sent[rid]) if u in by_url and by_url[u] not in seen]
            value = 1 + max((walk(c, seen | {rid}) for c in causes), default=0)
            memo[rid] = value
            return value

        return walk(request_id, frozenset())

    def wave(self, request_id: str) -> int:
        """1 + the wave of the latest response that had come in before it was sent: an upper bound of
        the causal depth (whatever had arrived may have caused it), so no missed import hides in it."""
        memo: dict[str, int] = {}

        def walk(rid: str) -> int:
            if rid not in memo:
                sent = self.sent[rid]["timestamp"]
                done = [r for r, at in self.finished.items() if at < sent and r in self.sent]
                memo[rid] = 1 + max((walk(r) for r in done), default=0)
            return memo[rid]

        return walk(request_id)


def test_check_in_link_first_visit_is_light_and_shallow(browser, live_server):
    with api_client(live_server) as client:
        _, session, dept = open_training(client, unique_title("首访测速"))
        context = browser.new_context(user_agent=WECHAT_UA, viewport={"width": 390, "height": 844},
                                      device_scale_factor=3, is_mobile=True, has_touch=True, locale="zh-CN",
                                      timezone_id="Asia/Shanghai")
        try:
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": LATENCY_MS,
                                                          "downloadThroughput": BYTES_PER_S,
                                                          "uploadThroughput": BYTES_PER_S})
            record = Recorder(cdp)
            with page.expect_request(lambda r: r.url.endswith("/api/claims")) as claim:
                page.goto(f"{live_server}/c/{session['id']}?t={code_now(client, dept, session['id'])}",
                          wait_until="commit")
            page.get_by_test_id("checkin-login").wait_for()
        finally:
            context.close()

    claim_id = next(rid for rid, e in record.sent.items() if e["request"]["url"].endswith("/api/claims"))
    sent_at = record.sent[claim_id]["timestamp"]
    start = min(e["timestamp"] for e in record.sent.values())
    before = [rid for rid, at in record.finished.items() if at <= sent_at and rid != claim_id]
    transferred = sum(record.bytes[rid] for rid in before)
    round_trips = record.wave(claim_id) - 1
    print(f"\nfirst visit of a check-in link ({LATENCY_MS} ms RTT, {BYTES_PER_S * 8 // 1000} kbit/s): "
          f"{len(before)} responses, {transferred / 1024:.1f} KB transferred, {round_trips} round trips "
          f"({record.depth(claim_id) - 1} by initiator chain), check-in request sent at {sent_at - start:.2f} s")
    assert claim.value.method == "POST"
    assert transferred <= BUDGET_BYTES
    assert round_trips <= BUDGET_ROUND_TRIPS
