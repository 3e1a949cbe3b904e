"""The technical archive (seed 000 §7): each change waits for the unit, shows before → after,
and only approved items reach the résumé PDF (read back with pdftotext)."""

import io
import subprocess

from PIL import Image

from server.tables import Person
from tests.api.conftest import login
from tests.api.people_helpers import db, person_of

EDUCATION = {"start_on": "2006-09-01", "end_on": "2011-07-01", "school": "示例医科大学", "major": "临床医学",
             "degree": "本科"}


def pdf_text(body: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()


def pending_id(client, unit_admin) -> int:
    items = client.get("/api/archive-changes", headers=unit_admin, params={"status": "pending"}).json()["items"]
    return items[-1]["id"]


def test_an_added_item_waits_then_reaches_the_resume_after_approval(client):
    trainee = login(client, "trainee1")
    added = client.post("/api/me/archive/education", headers=trainee, json=EDUCATION)
    assert added.status_code == 201, added.text
    assert added.json()["status"] == "pending" and added.json()["before"] is None
    assert client.get("/api/me/archive", headers=trainee).json()["education"] == []
    assert "示例医科大学" not in pdf_text(client.get("/api/me/resume.pdf", headers=trainee).content)

    unit1 = login(client, "unit1")
    queue = client.get("/api/archive-changes", headers=unit1, params={"status": "pending"}).json()
    change = next(i for i in queue["items"] if i["id"] == added.json()["id"])
    assert change["person_name"] == "张伟" and change["after"]["school"] == "示例医科大学"
    approved = client.post(f"/api/archive-changes/{change['id']}/approve", headers=unit1)
    assert approved.status_code == 200 and approved.json() == {"id": change["id"], "status": "approved"}

    archive = client.get("/api/me/archive", headers=trainee).json()
    assert [e["school"] for e in archive["education"]] == ["示例医科大学"]
    response = client.get("/api/me/resume.pdf", headers=trainee)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "个人简历" in text and "张伟" in text and "示例医科大学" in text and "主治医师" in text


def test_an_edit_shows_before_and_after_and_a_rejection_changes_nothing(client):
    trainee, unit1 = login(client, "trainee1"), login(client, "unit1")
    client.post("/api/me/archive/awards", headers=trainee, json={"name": "优秀医师", "awarded_on": "2020-05-01"})
    client.post(f"/api/archive-changes/{pending_id(client, unit1)}/approve", headers=unit1)
    item = client.get("/api/me/archive", headers=trainee).json()["awards"][0]
    edit = client.put(f"/api/me/archive/awards/{item['id']}", headers=trainee,
                      json={"name": "十佳医师", "awarded_on": "2020-05-01", "level": "市级"})
    assert edit.status_code == 200
    change = client.get("/api/archive-changes", headers=unit1, params={"status": "pending"}).json()["items"][0]
    assert change["before"]["name"] == "优秀医师" and change["after"]["name"] == "十佳医师"
    assert change["labels"]["name"] == "奖项名称" and change["action"] == "update"
    rejected = client.post(f"/api/archive-changes/{change['id']}/reject", headers=unit1, json={"reason": "无证书"})
    assert rejected.json()["status"] == "rejected"
    assert client.get("/api/me/archive", headers=trainee).json()["awards"][0]["name"] == "优秀医师"


def test_a_second_change_of_the_same_item_waits_its_turn(client):
    trainee, unit1 = login(client, "trainee1"), login(client, "unit1")
    client.post("/api/me/archive/work", headers=trainee, json={"start_on": "2011-08-01", "employer": "示例第一医院"})
    client.post(f"/api/archive-changes/{pending_id(client, unit1)}/approve", headers=unit1)
    item = client.get("/api/me/archive", headers=trainee).json()["work"][0]
    assert client.delete(f"/api/me/archive/work/{item['id']}", headers=trainee).status_code == 200
    again = client.delete(f"/api/me/archive/work/{item['id']}", headers=trainee)
    assert again.status_code == 409 and again.json()["code"] == "change_pending"


def test_approving_twice_is_409(client):
    trainee, unit1 = login(client, "trainee1"), login(client, "unit1")
    client.post("/api/me/archive/education", headers=trainee, json=EDUCATION)
    change = pending_id(client, unit1)
    assert client.post(f"/api/archive-changes/{change}/approve", headers=unit1).status_code == 200
    again = client.post(f"/api/archive-changes/{change}/reject", headers=unit1, json={"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_only_the_persons_unit_reviews(client):
    trainee = login(client, "trainee1")
    change = client.post("/api/me/archive/education", headers=trainee, json=EDUCATION).json()["id"]
    other = client.post(f"/api/archive-changes/{change}/approve", headers=login(client, "unit2"))
    assert other.status_code == 404 and other.json()["code"] == "change_not_found"
    for user in ("dept1", "trainee1"):
        response = client.get("/api/archive-changes", headers=login(client, user))
        assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_bad_items_are_422_naming_the_field(client):
    trainee = login(client, "trainee1")
    cases = [({**EDUCATION, "school": ""}, "school"), ({**EDUCATION, "end_on": "2001-01-01"}, "end_on"),
             ({**EDUCATION, "degree": "大师"}, "degree"), ({**EDUCATION, "start_on": "昨天"}, "start_on"),
             ({**EDUCATION, "salary": "1"}, "salary")]
    for body, field in cases:
        response = client.post("/api/me/archive/education", headers=trainee, json=body)
        assert response.status_code == 422 and response.json()["field"] == field, (field, response.text)
    unknown = client.post("/api/me/archive/hobbies", headers=trainee, json={})
    assert unknown.status_code == 404 and unknown.json()["code"] == "section_not_found"


def test_someone_elses_item_is_404(client):
    trainee, unit1 = login(client, "trainee1"), login(client, "unit1")
    client.post("/api/me/archive/education", headers=trainee, json=EDUCATION)
    client.post(f"/api/archive-changes/{pending_id(client, unit1)}/approve", headers=unit1)
    item = client.get("/api/me/archive", headers=trainee).json()["education"][0]
    response = client.delete(f"/api/me/archive/education/{item['id']}", headers=login(client, "trainee2"))
    assert response.status_code == 404 and response.json()["code"] == "item_not_found"


def test_the_trainee_withdraws_a_waiting_change(client):
    trainee = login(client, "trainee1")
    change = client.post("/api/me/archive/education", headers=trainee, json=EDUCATION).json()["id"]
    assert client.delete(f"/api/me/archive-changes/{change}", headers=trainee).status_code == 204
    approve = client.post(f"/api/archive-changes/{change}/approve", headers=login(client, "unit1"))
    assert approve.status_code == 409 and approve.json()["code"] == "invalid_state"


def test_admins_have_no_archive_or_resume(client):
    unit1 = login(client, "unit1")
    assert client.get("/api/me/archive", headers=unit1).status_code == 403
    assert client.get("/api/me/resume.pdf", headers=unit1).status_code == 403


def _jpeg(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), "navy")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_face_photo_is_cropped_to_3_4_without_exif_and_printed_on_the_resume(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    response = client.post(f"/api/people/{pid}/photo", headers=dept1,
                           files={"file": ("me.jpg", _jpeg(1600, 1200), "image/jpeg")})
    assert response.status_code == 200, response.text
    assert response.json()["has_photo"] is True
    photo = client.get(f"/api/people/{pid}/photo", headers=login(client, "trainee1"))
    assert photo.status_code == 200 and photo.headers["cache-control"] == "no-store"
    with Image.open(io.BytesIO(photo.content)) as image:
        assert image.size == (360, 480) and not image.getexif()
    pdf = client.get("/api/me/resume.pdf", headers=login(client, "trainee1")).content
    images = subprocess.run(["pdfimages", "-list", "-", ], input=pdf, capture_output=True).stdout.decode()
    assert images.count("jpeg") + images.count("image") >= 1


def test_photo_of_another_department_and_non_images_are_refused(client):
    pid = person_of(client, "trainee3")
    other = client.post(f"/api/people/{pid}/photo", headers=login(client, "dept1"),
                        files={"file": ("me.jpg", _jpeg(300, 400), "image/jpeg")})
    assert other.status_code == 404 and other.json()["code"] == "person_not_found"
    mine = person_of(client, "trainee1")
    text = client.post(f"/api/people/{mine}/photo", headers=login(client, "dept1"),
                       files={"file": ("me.jpg", b"not an image at all", "image/jpeg")})
    assert text.status_code == 415 and text.json()["code"] == "unsupported_type"
    assert db(client, lambda: Person.select(Person.photo).where(Person.id == mine).first())["photo"] is None


def test_two_reviewers_at_once_give_one_success_and_one_409(client):
    from concurrent.futures import ThreadPoolExecutor

    trainee, unit1 = login(client, "trainee1"), login(client, "unit1")
    change = client.post("/api/me/archive/education", headers=trainee, json=EDUCATION).json()["id"]
    calls = [lambda: client.post(f"/api/archive-changes/{change}/approve", headers=unit1),
             lambda: client.post(f"/api/archive-changes/{change}/reject", headers=unit1, json={"reason": "重复"})]
    with ThreadPoolExecutor(2) as pool:
        answers = [f.result() for f in [pool.submit(call) for call in calls]]
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert [a.json()["code"] for a in answers if a.status_code == 409] == ["invalid_state"]
    items = client.get("/api/me/archive", headers=trainee).json()["education"]
    approved = any(a.status_code == 200 and a.json()["status"] == "approved" for a in answers)
    assert len(items) == (1 if approved else 0)


def test_the_same_item_changed_twice_at_once_queues_one(client):
    from concurrent.futures import ThreadPoolExecutor

    trainee, unit1 = login(client, "trainee1"), login(client, "unit1")
    client.post("/api/me/archive/education", headers=trainee, json=EDUCATION)
    client.post(f"/api/archive-changes/{pending_id(client, unit1)}/approve", headers=unit1)
    item = client.get("/api/me/archive", headers=trainee).json()["education"][0]["id"]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: client.delete(f"/api/me/archive/education/{item}", headers=trainee),
                                range(2)))
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert [a.json()["code"] for a in answers if a.status_code == 409] == ["change_pending"]
