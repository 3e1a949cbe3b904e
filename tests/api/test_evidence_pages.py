"""Every page of a PDF proof as a picture for the reviewer's viewer (issue 13)."""

from __future__ import annotations

import io

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.api.test_evidence import new_credit, upload


def three_pages() -> bytes:
    """A 3-page A4 PDF whose page n has a black box n tenths down the page."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    for n in (1, 2, 3):
        pdf.rect(width * 0.4, height * (1 - n / 10) - 40, 80, 40, fill=1)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _pdf_proof(client, as_user):
    trainee = as_user("trainee1")
    response = upload(client, trainee, new_credit(client, trainee), three_pages(), "证书.pdf", "application/pdf")
    assert response.status_code == 201, response.text
    return trainee, response.json()["id"]


def _dark_row(jpeg: bytes) -> float:
    """Where, as a fraction of the height, the page's black box is."""
    image = Image.open(io.BytesIO(jpeg)).convert("L")
    column = [image.getpixel((image.width // 2, y)) for y in range(image.height)]
    dark = [y for y, v in enumerate(column) if v < 60]
    return dark[0] / image.height


def test_a_pdf_proof_says_how_many_pages_it_has(client, as_user):
    trainee, evidence_id = _pdf_proof(client, as_user)
    assert client.get(f"/api/evidence/{evidence_id}/pages", headers=trainee).json() == {"count": 3}


def test_each_page_comes_as_its_own_picture(client, as_user):
    trainee, evidence_id = _pdf_proof(client, as_user)
    pages = [client.get(f"/api/evidence/{evidence_id}/pages/{n}", headers=trainee) for n in (1, 2, 3)]
    assert [p.headers["content-type"] for p in pages] == ["image/jpeg"] * 3
    assert abs(Image.open(io.BytesIO(pages[0].content)).width - 1400) <= 1  # rounding of the scale
    positions = [_dark_row(p.content) for p in pages]
    assert positions == sorted(positions) and positions[2] - positions[0] > 0.15


def test_the_reviewer_sees_the_pages(client, as_user):
    _, evidence_id = _pdf_proof(client, as_user)
    assert client.get(f"/api/evidence/{evidence_id}/pages/2", headers=as_user("dept1")).status_code == 200


def test_a_page_past_the_last_is_404(client, as_user):
    trainee, evidence_id = _pdf_proof(client, as_user)
    response = client.get(f"/api/evidence/{evidence_id}/pages/4", headers=trainee)
    assert response.status_code == 404
    assert response.json()["code"] == "page_not_found"


def test_another_departments_admin_gets_404(client, as_user):
    _, evidence_id = _pdf_proof(client, as_user)
    response = client.get(f"/api/evidence/{evidence_id}/pages/1", headers=as_user("dept2"))
    assert response.status_code == 404
    assert response.json()["code"] == "evidence_not_found"


def test_a_photo_has_no_pages(client, as_user):
    from tests.api.test_evidence import jpeg

    trainee = as_user("trainee1")
    photo = upload(client, trainee, new_credit(client, trainee), jpeg()).json()
    response = client.get(f"/api/evidence/{photo['id']}/pages", headers=trainee)
    assert response.status_code == 404
    assert response.json()["code"] == "not_a_pdf"
