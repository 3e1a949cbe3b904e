"""The verification store of printed reports: codes, reuse, and what ``/v/{code}`` shows.

Certificates have their own rows (``Certificate``); every other printed
report (credit proof, multi-year verification, annual register) is a
``Report`` row with the same kind of code, the same ``/v/{code}`` page and the
same ``/api/verify/{code}`` answer. Printing the same subject with the same
content again reuses the latest code, as certificates do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from dataclasses import dataclass

from server.services import certificates
from server import clock
from server.clock import CHINA
from server.services.certificates import new_code, normalise_code, verify_url
from server.services.errors import NotFound
from server.services.principal import Principal
from server.tables import Report
from server.tables.enums import ReportKind

KIND_WORDS = {
    ReportKind.proof.value: "学分证明",
    ReportKind.verification.value: "多年度学分验证表",
    ReportKind.register.value: "学分登记表",
}


@dataclass(frozen=True, slots=True)
class Issued:
    code: str
    url: str
    issued_at: dt.datetime
    reused: bool


def fingerprint(content: object) -> str:
    """sha256 of everything a report prints (ids included), for "the same content"."""
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


async def issue(principal: Principal, kind: ReportKind, subject: str, title: str, *, content: object,
                summary: dict, base_url: str) -> Issued:
    """The code for printing ``subject`` now: the latest one if it printed the same ``content``.

    ``summary`` (JSON-able) is what verification will show; ``content`` only feeds the fingerprint.
    """
    mark = fingerprint(content)
    latest = await Report.select(Report.code, Report.fingerprint, Report.issued_at).where(
        (Report.subject == subject) & (Report.kind == kind.value)
    ).order_by(Report.id, ascending=False).first()
    if latest is not None and latest["fingerprint"] == mark:
        return Issued(latest["code"], verify_url(base_url, latest["code"]), latest["issued_at"], reused=True)
    moment = clock.now().replace(microsecond=0)
    code = new_code()
    snapshot = json.dumps({**summary, "title": title, "kind": kind.value,
                           "issued_at": moment.astimezone(CHINA).isoformat()}, ensure_ascii=False,
                          separators=(",", ":"))
    await Report.insert(Report(code=code, kind=kind.value, subject=subject[:200], title=title[:200],
                               issued_by=principal.account_id, issued_at=moment, fingerprint=mark,
                               snapshot=snapshot))
    return Issued(code, verify_url(base_url, code), moment, reused=False)


async def find(raw_code: str) -> dict | None:
    """What the report with this code says (its snapshot, with ``code``), or None."""
    code = normalise_code(raw_code)
    if code is None:
        return None
    row = await Report.select(Report.code, Report.snapshot).where(Report.code == code).first()
    if row is None or not row["snapshot"]:
        return None
    return {**json.loads(row["snapshot"]), "code": row["code"]}


async def lookup(raw_code: str) -> certificates.CertificateData | dict:
    """What a code verifies: a certificate, else a printed report; 404 ``certificate_not_found``."""
    data = await certificates.find_or_none(raw_code)
    if data is not None:
        return data
    report = await find(raw_code)
    if report is None:
        raise NotFound("certificate_not_found", "证书不存在或验证码错误")
    return report


async def verify_page(raw_code: str) -> tuple[str, int]:
    """The ``/v/{code}`` page and its status: a certificate's, a report's, or 证书无效 (404)."""
    try:
        found = await lookup(raw_code)
    except NotFound:
        return certificates.render_verify_page(None, raw_code), 404
    if isinstance(found, certificates.CertificateData):
        return certificates.render_verify_page(found, raw_code), 200
    return render_verify_page(found), 200


def render_verify_page(report: dict) -> str:
    """The public page of a printed report: 文件有效, what it is, and who it lists."""
    e = html.escape
    kind = KIND_WORDS.get(report.get("kind", ""), "学分文件")
    issued = dt.datetime.fromisoformat(report["issued_at"]).astimezone(CHINA).date()
    facts = "".join(f"<dt>{e(str(k))}</dt><dd>{e(str(v))}</dd>" for k, v in report.get("facts", []))
    people = report.get("people", [])
    items = "".join(
        f"<li><div>{e(p.get('name', ''))}"
        + (f" <span class=\"muted\">{e(p['person_no'])}</span>" if p.get("person_no") else "")
        + f"</div><div class=\"muted\">{e(p.get('line', ''))}</div></li>"
        for p in people
    ) or '<li class="muted">无人员</li>'
    return certificates.page_html("文件有效", (
        '<section class="card status ok"><h1>✓ 文件有效</h1>'
        f'<p class="muted">{e(kind)} · 验证码 <span class="code">{e(certificates.grouped(report["code"]))}</span></p>'
        "</section>"
        f'<section class="card"><h2>{e(report.get("title", kind))}</h2><dl>{facts}'
        f"<dt>出具日期</dt><dd>{e(certificates.cn_date(issued))}</dd></dl></section>"
        f'<section class="card"><h2>人员（{len(people)} 名）</h2><ul>{items}</ul></section>'
        '<p class="muted" style="text-align:center">以上内容为文件出具时的记录。</p>'
    ))
