"""SMS codes: the log gateway's outbox, limits, and what production refuses."""

import dataclasses
import re

import pytest

from server.app import create_app
from server.services.sms import HttpGateway, LogGateway, gateway_for
from server.tables import SmsCode
from tests.api.registration_helpers import NEW_PHONE, end_cooldowns, outbox, send_code


def test_code_goes_to_the_outbox_and_only_a_hash_is_stored(client, fresh_settings):
    response = send_code(client, NEW_PHONE, "register")
    assert response.status_code == 202
    [message] = outbox(fresh_settings)
    assert set(message) == {"phone", "purpose", "code", "text", "at"}
    assert message["phone"] == NEW_PHONE and message["purpose"] == "register"
    assert re.fullmatch(r"\d{6}", message["code"])
    assert message["text"] == f"【继教】您的验证码为：{message['code']}，5分钟内有效。"

    async def stored():
        return await SmsCode.select(SmsCode.code_hash).first()

    row = client.blocking_portal.call(stored)
    assert message["code"] not in row["code_hash"]


def test_malformed_phone_is_422(client):
    for phone in ("12345678901", "1381234567", "2381234567a", ""):
        response = send_code(client, phone, "register")
        assert response.status_code == 422, phone
        assert response.json()["field"] == "phone"


def test_unknown_purpose_is_422(client):
    response = send_code(client, NEW_PHONE, "marketing")
    assert response.status_code == 422
    assert response.json()["field"] == "purpose"


def test_cooldown_is_429_with_retry_after(client):
    assert send_code(client, NEW_PHONE, "register").status_code == 202
    again = send_code(client, NEW_PHONE, "register")
    assert again.status_code == 429
    assert again.json()["code"] == "too_many_attempts"
    assert 1 <= int(again.headers["retry-after"]) <= 60


def test_daily_limit(fresh_settings):
    from litestar.testing import TestClient

    # One person at one address: no captcha in the way of the phone's own limit.
    settings = dataclasses.replace(fresh_settings, sms_captcha_after_per_ip=0)
    with TestClient(app=create_app(settings)) as client:
        for _ in range(10):
            assert send_code(client, NEW_PHONE, "register").status_code == 202
            end_cooldowns(client)
        over = send_code(client, NEW_PHONE, "register")
    assert over.status_code == 429
    assert len(outbox(fresh_settings)) == 10


def test_recovery_code_for_an_unknown_phone_is_202_but_not_sent(client, fresh_settings):
    assert send_code(client, NEW_PHONE, "reset_password").status_code == 202
    assert outbox(fresh_settings) == []
    assert send_code(client, "13800000001", "reset_password").status_code == 202
    assert [m["phone"] for m in outbox(fresh_settings)] == ["13800000001"]


def test_production_refuses_the_log_gateway(fresh_settings):
    production = dataclasses.replace(fresh_settings, production=True)
    with pytest.raises(ValueError):
        gateway_for(production)
    with pytest.raises(ValueError):
        create_app(production)
    http = dataclasses.replace(production, sms_backend="http", sms_http_url="https://sms.example/send",
                               sms_http_token="t")
    assert isinstance(gateway_for(http), HttpGateway)
    assert isinstance(gateway_for(fresh_settings), LogGateway)
    with pytest.raises(ValueError):
        gateway_for(dataclasses.replace(fresh_settings, sms_backend="http"))


def test_http_gateway_posts_json_with_the_bearer_token():
    import asyncio
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received["auth"] = self.headers["Authorization"]
            received["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        gateway = HttpGateway(f"http://127.0.0.1:{server.server_port}/send", "tok")
        asyncio.run(gateway.send(NEW_PHONE, "register", "123456", "【继教】您的验证码为：123456，5分钟内有效。"))
    finally:
        thread.join(5)
        server.server_close()
    assert received["auth"] == "Bearer tok"
    assert received["body"] == {"phone": NEW_PHONE, "purpose": "register",
                                "text": "【继教】您的验证码为：123456，5分钟内有效。"}
