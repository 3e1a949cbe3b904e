"""Shared steps for personal credit entry tests."""

from __future__ import annotations

import io

from litestar.testing import TestClient
from PIL import Image

YEAR = 2026
DAY = f"{YEAR}-03-02"


def entry(rule_code: str = "out_national", *, quantity: float | None = 6, title: str = "全国心血管病学术年会",
          day: str = DAY, **extra) -> dict:
    body = {"rule_code": rule_code, "activity_date": day, "title": title, **extra}
    if quantity is not None:
        body["quantity"] = quantity
    return body


def create(client: TestClient, headers: dict, **kwargs) -> dict:
    response = client.post("/api/credits", json=entry(**kwargs), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def jpeg_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def attach(client: TestClient, headers: dict, credit_id: int) -> dict:
    response = client.post(f"/api/credits/{credit_id}/evidence", headers=headers,
                           files={"file": ("proof.jpg", jpeg_bytes(), "image/jpeg")})
    assert response.status_code == 201, response.text
    return response.json()
