"""At-risk reminders: the list, one reminder a week per person, the notice and the text message,
the region's season, and `jijiao remind`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path


from server import clock
from tests.api.statistics_helpers import YEAR

ROOT = Path(__file__).resolve().parents[2]


def _person(client, headers, name: str) -> dict:
    return next(p for p in client.get("/api/people", params={"q": name}, headers=headers).json()["items"]
                if p["name"] == name)


def _give(client, name: str, klass: str, credits: str, source: str = "project") -> None:
    """An effective record for ``name``, made as an effective-at-birth source makes it."""
    from server import db
    from server.services import ledger
    from server.tables import Credit, Person
    from server.tables.enums import CreditCategory, CreditClass, CreditSource, CreditStatus

    async def make():
        person = await Person.select(Person.id, Person.unit, Person.department).where(Person.name == name).first()
        await db.run_write(Credit._meta.db, ledger.create(ledger.NewCredit(
            person_id=person["id"], unit_id=person["unit"], department_id=person["department"], year=YEAR,
            activity_date=clock.today().replace(day=1), credit_class=CreditClass(klass),
            category=CreditCategory.professional, title=f"{name}的活动{klass}{credits}", credits=Decimal(credits),
            hours=Decimal(0), source=CreditSource(source), status=CreditStatus.effective, created_by=None)))

    client.blocking_portal.call(make)


def _attention(client, headers, kind: str = "compliance_reminder") -> list[dict]:
    """The caller's unread notices of ``kind`` (the home card's)."""
    body = client.get("/api/me/attention", headers=headers).json()
    return [n for n in body["notices"] if n["kind"] == kind]


def _outbox(settings) -> list[dict]:
    path = Path(settings.data_dir) / "sms-outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _remind(client, headers, *person_ids):
    response = client.post("/api/reminders", json={"person_ids": list(person_ids), "year": YEAR}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_the_at_risk_list_puts_the_largest_gap_first_with_what_is_missing(client, as_user):
    _give(client, "张伟", "I", "10")
    _give(client, "张伟", "II", "12")
    body = client.get("/api/statistics/at-risk", params={"year": YEAR}, headers=as_user("dept1")).json()
    gaps = [p["gap"] for p in body["items"]]
    assert gaps == sorted(gaps, reverse=True) and body["total"] == len(body["items"])
    zhang = next(p for p in body["items"] if p["name"] == "张伟")
    assert zhang is body["items"][-1]
    # 中级 at a city hospital: total ≥ 25, I ≥ 10, II ≥ 15 — 22 of them, 12 of II.
    assert [(line["category"], line["missing"]) for line in zhang["lines"]] == [("total", 3.0), ("II", 3.0)]
    assert zhang["last_reminded_at"] is None


def test_a_reminder_reaches_the_trainee_as_a_notice_and_a_text(client, as_user, fresh_settings):
    dept = as_user("dept1")
    zhang = _person(client, dept, "张伟")
    (result,) = _remind(client, dept, zhang["id"])
    assert result["ok"] is True and result["status"] == "reminded"
    (notice,) = _attention(client, as_user("trainee1"))
    assert notice["title"] == f"{YEAR} 年度学分尚未达标"
    assert f"{YEAR} 年度继续医学教育尚未达标" in notice["detail"] and "学分 ≥ 25" in notice["detail"]
    # The notice's SMS goes out once the request is answered (the notices' outbox).
    texts = [m for m in _outbox(fresh_settings) if m["text"] == notice["detail"]]
    assert [m["phone"] for m in texts] == ["13800000001"]


def test_a_second_reminder_in_the_same_week_is_refused(client, as_user):
    dept = as_user("dept1")
    zhang = _person(client, dept, "张伟")
    _remind(client, dept, zhang["id"])
    (again,) = _remind(client, as_user("unit1"), zhang["id"])
    assert again == {"id": zhang["id"], "ok": False, "code": "already_reminded",
                     "detail": "本周已提醒过该人员，每人每周最多提醒一次"}


def test_two_admins_reminding_at_once_send_one_reminder(client, as_user, fresh_settings):
    dept, unit = as_user("dept1"), as_user("unit1")
    zhang = _person(client, dept, "张伟")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda headers: _remind(client, headers, zhang["id"])[0], [dept, unit]))
    assert sorted(r["ok"] for r in results) == [False, True]
    assert [r["code"] for r in results if not r["ok"]] == ["already_reminded"]
    assert len([m for m in _outbox(fresh_settings) if "尚未达标" in m["text"]]) == 1


def test_someone_who_passes_is_not_reminded(client, as_user):
    _give(client, "张伟", "I", "10")
    _give(client, "张伟", "II", "15")
    dept = as_user("dept1")
    (result,) = _remind(client, dept, _person(client, dept, "张伟")["id"])
    assert result["ok"] is False and result["code"] == "already_passed"


def test_a_person_outside_the_scope_is_not_found(client, as_user):
    other = _person(client, as_user("dept2"), "王强")
    (result,) = _remind(client, as_user("dept1"), other["id"])
    assert result["ok"] is False and result["code"] == "person_not_found"


def test_a_region_admin_does_not_send_reminders(client, as_user):
    zhang = _person(client, as_user("dept1"), "张伟")
    response = client.post("/api/reminders", json={"person_ids": [zhang["id"]], "year": YEAR},
                           headers=as_user("region1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_the_reminder_log_shows_who_sent_what(client, as_user):
    dept = as_user("dept1")
    zhang = _person(client, dept, "张伟")
    _remind(client, dept, zhang["id"])
    log = client.get("/api/reminders", params={"person_id": zhang["id"]}, headers=as_user("unit1")).json()
    assert log["total"] == 1
    entry = log["items"][0]
    assert entry["person_name"] == "张伟" and entry["sent_by_name"] == "内科继教秘书" and entry["sms"] == "queued"


def test_a_read_notice_leaves_the_unread_list(client, as_user):
    dept = as_user("dept1")
    _remind(client, dept, _person(client, dept, "张伟")["id"])
    trainee = as_user("trainee1")
    (notice,) = _attention(client, trainee)
    assert client.post(f"/api/me/notices/{notice['id']}/read", headers=trainee).status_code == 204
    assert _attention(client, trainee) == []


def test_someone_elses_notice_cannot_be_read(client, as_user):
    dept = as_user("dept1")
    _remind(client, dept, _person(client, dept, "张伟")["id"])
    (notice,) = _attention(client, as_user("trainee1"))
    response = client.post(f"/api/me/notices/{notice['id']}/read", headers=as_user("trainee2"))
    assert response.status_code == 404 and response.json()["code"] == "notice_not_found"


def test_the_region_sets_its_reminder_season(client, as_user):
    region = as_user("region1")
    saved = client.put("/api/reminder-settings/990000", json={"starts_on": "09-15", "enabled": True}, headers=region)
    assert saved.status_code == 200 and saved.json()["starts_on"] == "09-15"
    items = client.get("/api/reminder-settings", headers=region).json()["items"]
    assert items == [{"region_code": "990000", "region_name": "示例省", "starts_on": "09-15", "enabled": True}]


def test_a_season_that_is_no_day_is_refused(client, as_user):
    response = client.put("/api/reminder-settings/990000", json={"starts_on": "02-30"}, headers=as_user("region1"))
    assert response.status_code == 422 and response.json()["field"] == "starts_on"


def test_only_a_region_admin_sets_the_season(client, as_user):
    response = client.get("/api/reminder-settings", headers=as_user("unit1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def _cli(settings, *args) -> str:
    env = {**os.environ, "JIJIAO_DATABASE_URL": settings.database_url, "JIJIAO_DATA_DIR": str(settings.data_dir),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "server.cli", "remind", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_jijiao_remind_reminds_the_region_in_season_once_a_week(client, as_user, fresh_settings):
    region = as_user("region1")
    client.put("/api/reminder-settings/990000", json={"starts_on": "01-01", "enabled": True}, headers=region)
    first = _cli(fresh_settings, "--date", clock.today().isoformat())
    assert "2 个单位在提醒期内" in first and "本次提醒 53 人" in first
    assert len(_attention(client, as_user("trainee4"))) == 1
    (digest,) = _attention(client, as_user("dept1"), "compliance_digest")
    assert "内科" in digest["detail"] and "发出短信" in first
    again = _cli(fresh_settings, "--date", clock.today().isoformat())
    assert "本次提醒 0 人（本周已提醒 53 人）" in again and "管理员周报 0 份" in again


def test_jijiao_remind_waits_for_the_season(client, as_user, fresh_settings):
    client.put("/api/reminder-settings/990000", json={"starts_on": "12-31", "enabled": True},
               headers=as_user("region1"))
    out = _cli(fresh_settings, "--date", f"{YEAR}-06-01")
    assert "0 个单位在提醒期内" in out
    assert _attention(client, as_user("trainee1")) == []
