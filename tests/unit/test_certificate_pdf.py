"""The certificate PDF builder, codes and the verification page, without a database."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from server.controllers import verify_pages
from server.services import certificates as cert
from server.services.certificates import CertificateData, CertificateLine

URL_BASE = "https://cme.example.cn"
# Poppler's standard-14 fonts: reportlab always declares Helvetica, even unused.
STANDARD_14 = {"Helvetica", "Times-Roman", "Courier", "Symbol", "ZapfDingbats"}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (`make test` installs poppler-utils and zbar-tools)")
    return path


def _data(**changes) -> CertificateData:
    lines = [
        CertificateLine("2025-03-02", "心血管疾病诊疗新进展学术讲座", "I", 2.0, 4.0, "attendance", "院内培训签到"),
        CertificateLine("2025-05-18", "内科疑难病例讨论 <主讲> & 答疑", "II", 1.5, 3.0, "speaker", "授课"),
        CertificateLine("2025-09-09", "国家级继续医学教育项目：糖尿病规范化管理", "I", 5.0, 10.0, "project",
                        "继教项目"),
    ]
    data = CertificateData(
        code="ABCD2345EFGH", name="张伟", id_number="110*****12", unit="示例第一医院", department="内科",
        year=2025, lines=lines, class_i_total=7.0, class_ii_total=1.5, credits_total=8.5,
        hours_total=17.0, issued_at="2025-12-01T10:30:00+08:00",
    )
    return dataclasses.replace(data, **changes)


def _url(data: CertificateData) -> str:
    return cert.verify_url(URL_BASE, data.code)


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory) -> Path:
    data = _data()
    path = tmp_path_factory.mktemp("pdf") / "certificate.pdf"
    path.write_bytes(cert.build_pdf(data, _url(data)))
    return path


def _text(path: Path) -> str:
    return subprocess.run([_tool("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _render(path: Path, resolution: int, env: dict | None = None) -> Image.Image:
    out = path.parent / f"render-{resolution}-{'bare' if env else 'sys'}"
    subprocess.run([_tool("pdftoppm"), "-r", str(resolution), "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(out)], check=True, capture_output=True, env=env)
    return Image.open(f"{out}.png").convert("RGB")


def test_output_is_a_pdf(pdf_file):
    raw = pdf_file.read_bytes()
    assert raw.startswith(b"%PDF-")
    assert raw.rstrip().endswith(b"%%EOF")


def test_font_is_embedded_and_nothing_else_is_needed(pdf_file):
    out = subprocess.run([_tool("pdffonts"), str(pdf_file)], check=True, capture_output=True,
                         text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    fonts = {row[0]: row for row in rows}
    cjk = [name for name in fonts if "WenQuanYiMicroHei" in name]
    assert cjk, out
    # name, type (TrueType), encoding, emb, sub, uni, ...
    assert fonts[cjk[0]][1:5] == ["TrueType", "WinAnsi", "yes", "yes"], out
    for name, row in fonts.items():
        assert row[3] == "yes" or name in STANDARD_14, out


def test_text_has_the_name_the_lines_and_the_code(pdf_file):
    text = _text(pdf_file)
    for expected in ("继续医学教育学分证明", "张伟", "110*****12", "示例第一医院", "内科",
                     "心血管疾病诊疗新进展学术讲座", "院内培训签到", "授课", "继教项目",
                     "内科疑难病例讨论 <主讲> & 答疑", "I类学分合计：7 分", "II类学分合计：1.5 分",
                     "总学分：8.5 分", "ABCD 2345 EFGH", "2025年12月1日", "核验方式"):
        assert expected in text, expected
    assert f"{URL_BASE}/v/ABCD2345EFGH" in re.sub(r"\s+", "", text)


def test_empty_year_says_so(tmp_path):
    data = _data(lines=[], class_i_total=0.0, class_ii_total=0.0, credits_total=0.0, hours_total=0.0,
                 department=None)
    path = tmp_path / "empty.pdf"
    path.write_bytes(cert.build_pdf(data, _url(data)))
    text = _text(path)
    assert "本年度暂无有效学分" in text
    assert "总学分：0 分" in text


def test_many_lines_run_onto_more_pages(tmp_path):
    line = _data().lines[0]
    data = _data(lines=[line] * 80)
    path = tmp_path / "long.pdf"
    path.write_bytes(cert.build_pdf(data, _url(data)))
    info = subprocess.run([_tool("pdfinfo"), str(path)], check=True, capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3
    # Every page carries the code, so pages can't be swapped between certificates.
    assert _text(path).count("验证码 ABCD 2345 EFGH") >= 3


def test_renders_the_same_with_no_system_fonts(pdf_file, tmp_path):
    """The page looks the same when fontconfig can find no font at all: the font is in the PDF."""
    normal = _render(pdf_file, 50)
    normal.save(tmp_path / "page1.png")
    empty_conf = tmp_path / "fonts.conf"
    empty_conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                          f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>")
    bare = _render(pdf_file, 50, env={"FONTCONFIG_FILE": str(empty_conf), "PATH": "/usr/bin:/bin"})
    assert normal.size == bare.size
    assert ImageChops.difference(normal, bare).getbbox() is None
    # ...and there is ink where the title is (not an empty page).
    width, _ = normal.size
    title = normal.crop((width // 4, 20, 3 * width // 4, 60)).convert("L")
    assert title.getextrema()[0] < 100


def test_qr_decodes_to_the_verify_url(pdf_file):
    zbarimg = _tool("zbarimg")
    page = _render(pdf_file, 150)
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    png = pdf_file.parent / "qr-page.png"
    png.write_bytes(buffer.getvalue())
    out = subprocess.run([zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True).stdout
    assert out.strip() == f"{URL_BASE}/v/ABCD2345EFGH"


# -- codes --------------------------------------------------------------------


def test_codes_are_twelve_unambiguous_characters():
    codes = {cert.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 12
        assert not set(code) & set("01OIL")
        assert set(code) <= set(cert.CODE_ALPHABET)


@pytest.mark.parametrize("raw, expected", [
    ("ABCD2345EFGH", "ABCD2345EFGH"),
    ("abcd2345efgh", "ABCD2345EFGH"),
    ("  ABCD 2345 efgh ", "ABCD2345EFGH"),
    ("ABCD-2345-EFGH", "ABCD2345EFGH"),
    ("ABCD2345EFG", None),
    ("ABCD2345EFGHJ", None),
    ("ABCD2345EFG0", None),
    ("ABCD2345EFGI", None),
    ("", None),
])
def test_normalise_code(raw, expected):
    assert cert.normalise_code(raw) == expected


def test_year_bounds():
    assert cert.check_year(2000) == 2000
    assert cert.check_year(2100) == 2100
    for bad in (1999, 2101):
        with pytest.raises(cert.Invalid) as caught:
            cert.check_year(bad)
        assert caught.value.field == "year"


def test_snapshot_round_trip():
    data = _data()
    again = CertificateData.from_snapshot(data.code, data.snapshot("fp"))
    assert again == data


# -- the page -------------------------------------------------------------------


def test_valid_page_escapes_everything():
    data = _data(name="<script>alert(1)</script>", unit="A & B")
    page = verify_pages.certificate_page(data, data.code)
    assert "证书有效" in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A &amp; B" in page
    assert "内科疑难病例讨论 &lt;主讲&gt; &amp; 答疑" in page
    assert 'name="viewport"' in page


def test_invalid_page_escapes_the_code():
    page = verify_pages.certificate_page(None, '"><img src=x onerror=alert(1)>')
    assert "证书无效" in page
    assert "<img" not in page
