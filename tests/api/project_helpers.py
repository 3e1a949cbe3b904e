"""Building blocks for CME project tests: an application, its two approvals, delegation, admins elsewhere."""

from __future__ import annotations

import datetime as dt

from litestar.testing import TestClient

from tests.api.conftest import login

YEAR = 2026


def project_body(**overrides) -> dict:
    # Provincial: 6 hours make 1 credit, so 12 hours and 2 credits agree with the rule.
    body = {"title": "基层医院心力衰竭规范化诊治培训班", "level": "provincial", "year": YEAR, "credits": 2,
            "hours": 12, "starts_on": f"{YEAR}-05-10", "ends_on": f"{YEAR}-05-11",
            "location": "示例第一医院学术报告厅", "leader": "王主任"}
    body.update(overrides)
    return body


def create_project(client: TestClient, dept_headers: dict, **overrides) -> dict:
    response = client.post("/api/projects", headers=dept_headers, json=project_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def act(client: TestClient, headers: dict, project_id: int, action: str, reason: str | None = None) -> dict:
    """One step that must succeed; returns its body."""
    body = None if reason is None else {"reason": reason}
    response = client.post(f"/api/projects/{project_id}/{action}", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def submitted(client: TestClient, as_user, **overrides) -> dict:
    project = create_project(client, as_user("dept1"), **overrides)
    act(client, as_user("dept1"), project["id"], "submit")
    return project


def pending_region(client: TestClient, as_user, **overrides) -> dict:
    project = submitted(client, as_user, **overrides)
    act(client, as_user("unit1"), project["id"], "approve")
    return project


def published(client: TestClient, as_user, **overrides) -> dict:
    project = pending_region(client, as_user, **overrides)
    body = act(client, as_user("region1"), project["id"], "approve")
    return {**project, **body}


def delegated(client: TestClient, as_user, department: str = "内科", **overrides) -> dict:
    """A published project of 示例第一医院 handed to one of its departments (内科 is dept1's)."""
    project = published(client, as_user, **overrides)
    body = client.post(f"/api/projects/{project['id']}/delegate", headers=as_user("unit1"),
                       json={"department_id": department_id(client, as_user, department)})
    assert body.status_code == 200, body.text
    return body.json()


def department_id(client: TestClient, as_user, name: str, unit: str = "unit1") -> int:
    me = client.get("/api/me", headers=as_user(unit)).json()
    unit_id = next(r["scope_id"] for r in me["roles"] if r["role"] == "unit_admin")
    departments = client.get(f"/api/units/{unit_id}/departments").json()["items"]
    return next(d["id"] for d in departments if d["name"] == name)


def add_project_session(client: TestClient, headers: dict, project_id: int):
    start = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)
    return client.post(f"/api/projects/{project_id}/sessions", headers=headers, json={
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        "location": "门诊楼三楼学术报告厅"})


def region_admin(client: TestClient, username: str, region_code: str, region_name: str) -> dict:
    """A health-commission admin of ``region_code`` (a new province when its parent isn't there), logged in."""
    from server.services.organisation import region_prefix
    from server.tables import Account, Region, RoleGrant
    from server.tables.enums import RegionLevel, Role

    async def make() -> None:
        region = await Region.select(Region.id).where(Region.code == region_code).first()
        if region is None:
            region = Region(code=region_code, name=region_name, level=RegionLevel.province,
                            prefix=region_prefix(region_code))
            await region.save()
            region = {"id": region.id}
        # The demo password's hash, borrowed: one scrypt run less.
        known = await Account.select(Account.password_hash).where(Account.username == "region1").first()
        account = Account(username=username, password_hash=known["password_hash"], name=region_name)
        await account.save()
        await RoleGrant.insert(RoleGrant(account=account.id, role=Role.region_admin, region=region["id"]))

    client.blocking_portal.call(make)
    return login(client, username)


def cached_logins(client: TestClient):
    """as_user that logs each account in once per test (every login is a scrypt run)."""
    headers: dict[str, dict] = {}

    def get(username: str) -> dict:
        if username not in headers:
            headers[username] = login(client, username)
        return headers[username]

    return get
