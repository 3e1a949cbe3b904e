"""The printed reports' page machinery without a database: every page numbered and stamped with a
QR that decodes, table headers repeated, the embedded font, text that needs escaping."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from server.services import pdfdoc, report_pdfs
from server.services.report_pdfs import Line, Person, Record, RegisterEntry, Result

URL = "https://cme.example.cn/v/ABCD2345EFGH"
STAMP = pdfdoc.Stamp("2026 年度学分登记表 · 内科", "ABCD2345EFGH", URL)


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is needed (poppler-utils / zbar-tools: make system-deps)"
    return path


def _register(people: int = 40, records: int = 14) -> report_pdfs.Register:
    entries = []
    for i in range(people):
        rows = [Record(f"2026-03-{1 + k % 28:02d}", f"心血管疾病诊疗新进展第{k}讲 <讨论> & 答疑" if k % 4 == 0 else f"病例讨论{k}",
                       "I" if k % 3 == 0 else "II", 1.5, 3.0, "attendance") for k in range(records)]
        results = [Result("示例省 中级及以上", i % 2 == 0, [Line("credits", "total", 25, 21, False)])]
        entries.append(RegisterEntry(Person(f"学员{i:03d}", f"S{i:09d}", "110*****12", "男", "1988-05-12",
                                            "示例第一医院", "内科", "主治医师", "正常"), rows, results))
    return report_pdfs.Register(2026, "示例第一医院", "内科", "", entries, "2026年12月6日")


@pytest.fixture(scope="module")
def register_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "register.pdf"
    path.write_bytes(report_pdfs.register_pdf(_register(), STAMP))
    return path


def _pages(path: Path) -> list[str]:
    text = subprocess.run([_tool("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_page_says_which_of_how_many_it_is(register_pdf):
    pages = _pages(register_pdf)
    assert len(pages) > 3
    for number, page in enumerate(pages, 1):
        assert f"第{number}页共{len(pages)}页" in _squeezed(page)


def test_every_page_carries_the_verification_code(register_pdf):
    for page in _pages(register_pdf):
        assert "验证码：ABCD2345EFGH" in _squeezed(page) and URL in page


@pytest.mark.parametrize("page", [1, 3])
def test_the_qr_of_a_page_opens_the_verification(register_pdf, tmp_path, page):
    image = tmp_path / f"page{page}"
    subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(register_pdf), str(image)], check=True, capture_output=True)
    out = subprocess.run([_tool("zbarimg"), "--quiet", "--raw", f"{image}.png"], capture_output=True, text=True)
    assert out.stdout.strip() == URL


def test_the_column_header_repeats_where_a_person_runs_onto_the_next_page(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(report_pdfs.register_pdf(_register(people=1, records=90), STAMP))
    pages = _pages(path)
    assert len(pages) >= 2
    for page in pages:
        squeezed = _squeezed(page)
        assert "序号日期项目名称类别学分学时来源" in squeezed and "学员000" in squeezed


def test_markup_characters_in_titles_print_as_they_are(register_pdf):
    text = "\n".join(_pages(register_pdf))
    assert "<讨论> & 答疑" in text


def test_only_the_embedded_chinese_font_is_used(register_pdf):
    out = subprocess.run([_tool("pdffonts"), str(register_pdf)], check=True, capture_output=True,
                         text=True).stdout
    fonts = [line.split() for line in out.splitlines()[2:] if line.strip()]
    embedded = [row for row in fonts if "WenQuanYiMicroHei" in row[0]]
    assert embedded and all(row[-5] == "yes" for row in embedded)


def test_a_proof_totals_only_its_class(tmp_path):
    records = [Record("2026-03-01", "国家级项目", "I", 5, 10, "project"),
               Record("2026-04-01", "院内讲座", "II", 1, 2, "attendance")]
    proof = report_pdfs.Proof(Person("张伟", "S1", "110*****12", unit="示例第一医院"), "I", "2026-01-01", "2026-12-31",
                              [r for r in records if r.credit_class == "I"], "2026年12月6日")
    path = tmp_path / "proof.pdf"
    path.write_bytes(report_pdfs.proof_pdf(proof, STAMP))
    text = _squeezed("\n".join(_pages(path)))
    assert "继续医学教育I类学分证明" in text and "I类学分合计5分" in text and "院内讲座" not in text
    assert "II类学分合计" not in text


def test_the_verification_says_each_years_result(tmp_path):
    person = Person("张伟", "S1", "110*****12", department="内科", title="主治医师")
    results = {2024: [Result("标准甲", True, [Line("credits", "total", 25, 30, True)])],
               2025: [Result("标准甲", False, [Line("credits", "I", 10, 4, False)])],
               2026: []}
    path = tmp_path / "verify.pdf"
    path.write_bytes(report_pdfs.verification_pdf(report_pdfs.Verification([person], [2024, 2025, 2026], [results],
                                                                           "2026年12月6日"), STAMP))
    text = _squeezed("\n".join(_pages(path)))
    assert "学分≥25" in text and "I类学分≥10" in text and "无适用标准" in text and "标准甲" in text
    assert "共3个年度，达标1个年度" in text
