"""Shared steps for standards and compliance tests."""

from __future__ import annotations

from litestar.testing import TestClient

STANDARD = {
    "year": 2026,
    "region_code": "990000",
    "name": "示例省 测试标准",
    "scheme": "cme",
    "title_levels": ["中级"],
    "unit_levels": ["市直属"],
    "requirements": [{"measure": "credits", "category": "total", "min": 2.0},
                     {"measure": "credits", "category": "II", "min": 1.0}],
    "caps": [{"measure": "credits", "class": "II", "category": None, "source": "personal", "rule_code": None,
              "max": 1.0}],
    "certificate_requires_pass": False,
}


def create_standard(client: TestClient, headers: dict, **changes) -> dict:
    response = client.post("/api/standards", json={**STANDARD, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
