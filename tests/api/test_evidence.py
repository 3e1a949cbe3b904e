"""Evidence files on credit records: upload, who may see them, and what is refused."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from server.services import entries, evidence, media
from server.tables.evidence import Evidence

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

PAPER = {"rule_code": "paper_core", "quantity": 1, "author_position": 1, "activity_date": "2026-03-01",
         "title": "急性心肌梗死早期识别的临床研究", "draft": True}


def jpeg(size=(400, 200), orientation: int = 1) -> bytes:
    """A photo as a phone makes it: camera model, capture time and GPS position in EXIF."""
    exif = Image.Exif()
    exif[0x0112], exif[0x010F] = orientation, "TestCam"
    exif.get_ifd(0x8769)[36867] = "2026:03:01 09:30:00"
    place = exif.get_ifd(0x8825)
    place[1], place[2], place[3], place[4] = "N", (30.0, 15.0, 0.0), "E", (120.0, 10.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 128, 255, 200)).save(out, "PNG")
    return out.getvalue()


def new_credit(client, headers, **overrides) -> int:
    response = client.post("/api/credits", headers=headers, json={**PAPER, **overrides})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def upload(client, headers, credit_id, content: bytes, filename="photo.jpg", content_type="image/jpeg"):
    return client.post(f"/api/credits/{credit_id}/evidence", headers=headers,
                       files={"file": (filename, content, content_type)})


def stored_row(client, evidence_id: int) -> dict:
    async def fetch():
        return await Evidence.select().where(Evidence.id == evidence_id).first()

    return client.blocking_portal.call(fetch)


def data_dir(client) -> Path:
    return Path(client.app.state.settings.data_dir)


# -- what is accepted --------------------------------------------------------------


def test_photo_upload_is_201_and_stored_without_exif(client, as_user):
    trainee = as_user("trainee1")
    credit_id = new_credit(client, trainee)
    response = upload(client, trainee, credit_id, jpeg(size=(400, 200), orientation=6))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["content_type"] == "image/jpeg" and body["size"] > 0
    assert (body["width"], body["height"]) == (200, 400)
    assert body["filename"] == "photo.jpg" and body["captured_at"] == "2026-03-01T01:30:00Z"
    assert body["url"] == f"/api/evidence/{body['id']}"
    assert body["thumb_url"] == f"/api/evidence/{body['id']}/thumb"
    row = stored_row(client, body["id"])
    on_disk = (data_dir(client) / row["storage_key"]).read_bytes()
    assert len(on_disk) == body["size"] and b"Exif" not in on_disk and b"TestCam" not in on_disk
    assert dict(Image.open(io.BytesIO(on_disk)).getexif()) == {}


def test_owner_downloads_the_cleaned_photo_inline(client, as_user):
    trainee = as_user("trainee1")
    evidence_id = upload(client, trainee, new_credit(client, trainee), jpeg()).json()["id"]
    response = client.get(f"/api/evidence/{evidence_id}", headers=trainee)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["content-disposition"].startswith("inline;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert Image.open(io.BytesIO(response.content)).format == "JPEG"


def test_png_stays_png(client, as_user):
    trainee = as_user("trainee1")
    body = upload(client, trainee, new_credit(client, trainee), png(), "scan.png", "image/png").json()
    assert body["content_type"] == "image/png"
    assert client.get(f"/api/evidence/{body['id']}", headers=trainee).headers["content-type"] == "image/png"


def test_heic_photo_is_stored_as_jpeg(client, as_user):
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(out, "HEIF")
    trainee = as_user("trainee1")
    response = upload(client, trainee, new_credit(client, trainee), out.getvalue(), "IMG_0001.HEIC", "image/heic")
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == "image/jpeg"
    download = client.get(f"/api/evidence/{response.json()['id']}", headers=trainee)
    assert Image.open(io.BytesIO(download.content)).format == "JPEG"


def test_pdf_is_kept_as_is_and_downloaded_as_attachment(client, as_user):
    trainee = as_user("trainee1")
    response = upload(client, trainee, new_credit(client, trainee), PDF, "录用通知.pdf", "application/pdf")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["content_type"] == "application/pdf" and body["size"] == len(PDF) and body["thumb_url"] is None
    download = client.get(f"/api/evidence/{body['id']}", headers=trainee)
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;") and disposition.isascii()
    assert client.get(f"/api/evidence/{body['id']}/thumb", headers=trainee).status_code == 404


def test_thumbnail_is_a_small_jpeg(client, as_user):
    trainee = as_user("trainee1")
    evidence_id = upload(client, trainee, new_credit(client, trainee), jpeg(size=(1600, 800))).json()["id"]
    response = client.get(f"/api/evidence/{evidence_id}/thumb", headers=trainee)
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(response.content)).size == (320, 160)


def test_client_content_type_is_not_trusted(client, as_user):
    trainee = as_user("trainee1")
    response = upload(client, trainee, new_credit(client, trainee), png(), "x.pdf", "application/pdf")
    assert response.status_code == 201 and response.json()["content_type"] == "image/png"


def test_file_just_under_the_limit_is_accepted(client, as_user):
    trainee = as_user("trainee1")
    content = b"%PDF-1.4\n" + b"0" * (evidence.MAX_BYTES - 16) + b"\n%%EOF\n"
    assert len(content) == evidence.MAX_BYTES
    response = upload(client, trainee, new_credit(client, trainee), content, "big.pdf", "application/pdf")
    assert response.status_code == 201, response.text
    assert response.json()["size"] == evidence.MAX_BYTES


# -- what is refused ---------------------------------------------------------------


def test_renamed_text_file_is_415(client, as_user):
    trainee = as_user("trainee1")
    response = upload(client, trainee, new_credit(client, trainee), b"not a photo at all\n" * 20)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_type" and response.json()["detail"]


def test_one_byte_over_ten_megabytes_is_413(client, as_user):
    trainee = as_user("trainee1")
    response = upload(client, trainee, new_credit(client, trainee), b"%PDF-" + b"0" * (evidence.MAX_BYTES - 4),
                      "big.pdf", "application/pdf")
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"


def test_far_larger_body_gets_the_same_413_body(client, as_user):
    trainee = as_user("trainee1")
    response = upload(client, trainee, new_credit(client, trainee), b"0" * (13 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large" and "10 MB" in response.json()["detail"]


def test_missing_file_field_is_422_naming_file(client, as_user):
    trainee = as_user("trainee1")
    credit_id = new_credit(client, trainee)
    response = client.post(f"/api/credits/{credit_id}/evidence", headers=trainee,
                           files={"other": ("a.jpg", jpeg(), "image/jpeg")})
    assert response.status_code == 422
    assert response.json()["field"] == "file"


def test_refused_upload_leaves_no_file_behind(client, as_user):
    trainee = as_user("trainee1")
    upload(client, trainee, new_credit(client, trainee), b"plain text")
    assert not (data_dir(client) / "evidence").exists() or not any((data_dir(client) / "evidence").rglob("*.*"))


def test_too_many_files_is_409(client, as_user, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_FILES_PER_CREDIT", 2)
    trainee = as_user("trainee1")
    credit_id = new_credit(client, trainee)
    assert upload(client, trainee, credit_id, PDF, "a.pdf").status_code == 201
    assert upload(client, trainee, credit_id, PDF, "b.pdf").status_code == 201
    response = upload(client, trainee, credit_id, PDF, "c.pdf")
    assert response.status_code == 409 and response.json()["code"] == "too_many_files"


# -- who may see and change --------------------------------------------------------


def test_other_department_admin_gets_404_on_upload(client, as_user):
    credit_id = new_credit(client, as_user("trainee1"))
    response = upload(client, as_user("dept2"), credit_id, jpeg())
    assert response.status_code == 404


def test_other_department_admin_gets_404_on_read(client, as_user):
    trainee = as_user("trainee1")
    evidence_id = upload(client, trainee, new_credit(client, trainee), jpeg()).json()["id"]
    for other in ("dept2", "unit2", "trainee2"):
        assert client.get(f"/api/evidence/{evidence_id}", headers=as_user(other)).status_code == 404, other
        assert client.get(f"/api/evidence/{evidence_id}/thumb", headers=as_user(other)).status_code == 404, other


def test_region_admin_does_not_open_evidence(client, as_user):
    trainee = as_user("trainee1")
    evidence_id = upload(client, trainee, new_credit(client, trainee), jpeg()).json()["id"]
    assert client.get(f"/api/evidence/{evidence_id}", headers=as_user("region1")).status_code == 404


def test_own_reviewers_can_read(client, as_user):
    trainee = as_user("trainee1")
    evidence_id = upload(client, trainee, new_credit(client, trainee, draft=False), PDF, "a.pdf").json()["id"]
    for reviewer in ("dept1", "unit1"):
        response = client.get(f"/api/evidence/{evidence_id}", headers=as_user(reviewer))
        assert response.status_code == 200 and response.content == PDF, reviewer


def test_unknown_evidence_is_404(client, as_user):
    assert client.get("/api/evidence/999999", headers=as_user("trainee1")).status_code == 404


def test_anonymous_caller_is_401(client, as_user):
    trainee = as_user("trainee1")
    evidence_id = upload(client, trainee, new_credit(client, trainee), PDF, "a.pdf").json()["id"]
    client.cookies.clear()  # logging in also set the session cookie
    assert client.get(f"/api/evidence/{evidence_id}").status_code == 401


def test_owner_deletes_while_pending(client, as_user):
    trainee = as_user("trainee1")
    credit_id = new_credit(client, trainee, draft=False)
    upload(client, trainee, credit_id, PDF, "kept.pdf")  # a submitted record keeps one file (test_evidence_integrity)
    evidence_id = upload(client, trainee, credit_id, jpeg()).json()["id"]
    row = stored_row(client, evidence_id)
    assert client.delete(f"/api/evidence/{evidence_id}", headers=trainee).status_code == 204
    assert stored_row(client, evidence_id) is None
    assert not (data_dir(client) / row["storage_key"]).exists()
    assert not (data_dir(client) / row["thumb_key"]).exists()
    assert client.get(f"/api/evidence/{evidence_id}", headers=trainee).status_code == 404


def test_other_trainee_cannot_delete(client, as_user):
    trainee = as_user("trainee1")
    evidence_id = upload(client, trainee, new_credit(client, trainee), PDF, "a.pdf").json()["id"]
    assert client.delete(f"/api/evidence/{evidence_id}", headers=as_user("trainee2")).status_code == 404
    assert stored_row(client, evidence_id) is not None


def test_effective_record_takes_no_more_files(client, as_user):
    trainee, dept, unit = as_user("trainee1"), as_user("dept1"), as_user("unit1")
    credit_id = new_credit(client, trainee)
    evidence_id = upload(client, trainee, credit_id, PDF, "a.pdf").json()["id"]
    assert client.post(f"/api/credits/{credit_id}/submit", headers=trainee).status_code == 200
    assert client.post(f"/api/credits/{credit_id}/approve", headers=dept).status_code == 200
    assert client.post(f"/api/credits/{credit_id}/approve", headers=unit).json()["status"] == "effective"
    response = upload(client, trainee, credit_id, jpeg())
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert client.delete(f"/api/evidence/{evidence_id}", headers=trainee).status_code == 409
    assert client.get(f"/api/evidence/{evidence_id}", headers=trainee).status_code == 200


def test_list_and_counts_for_a_record(client, as_user):
    trainee = as_user("trainee1")
    credit_id = new_credit(client, trainee)
    first = upload(client, trainee, credit_id, PDF, "a.pdf").json()
    second = upload(client, trainee, credit_id, jpeg()).json()
    listed = client.blocking_portal.call(evidence.list_for_credit, credit_id)
    assert [e.id for e in listed] == [first["id"], second["id"]]
    assert client.blocking_portal.call(evidence.counts, [credit_id, 999999]) == {credit_id: 2}


def test_files_of_a_deleted_record_can_be_removed(client, as_user):
    trainee = as_user("trainee1")
    credit_id = new_credit(client, trainee)
    upload(client, trainee, credit_id, jpeg())
    keys = client.blocking_portal.call(entries.stored_files, credit_id)
    assert len(keys) == 2 and all((data_dir(client) / key).exists() for key in keys)
    client.blocking_portal.call(media.store(client.app.state.settings).remove, keys)
    assert not any((data_dir(client) / key).exists() for key in keys)
