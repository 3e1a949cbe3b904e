"""The verification store of printed reports: codes, reuse, and what a code verifies.

Certificates have their own rows (``Certificate``); every other printed
report (credit proof, multi-year verification, annual register) is a
``Report`` row with the same kind of code, the same ``/v/{code}`` page
(server/controllers/verify_pages.py) and the same ``/api/verify/{code}`` answer. Printing the same subject with the same
content again reuses the latest code, as certificates do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import msgspec

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


class CertificateLineRead(msgspec.Struct, frozen=True):
    date: str
    title: str
    credit_class: str
    credits: float
    hours: float
    source: str
    source_label: str


class CertificateVerification(msgspec.Struct, frozen=True):
    valid: bool
    code: str
    name: str
    id_number: str
    unit: str
    department: str | None
    year: int
    credits_total: float
    class_i_total: float
    class_ii_total: float
    hours_total: float
    issued_at: str
    lines: list[CertificateLineRead]
    # 失信惩戒期: a dishonesty record in force when the certificate was issued.
    dishonesty: str | None = None


class ReportPersonRead(msgspec.Struct, frozen=True):
    name: str
    person_no: str = ""
    line: str = ""


class ReportVerification(msgspec.Struct, frozen=True):
    """A printed report's verification (credit proof, multi-year verification, register)."""

    valid: bool
    code: str
    kind: str
    title: str
    issued_at: str
    facts: list[tuple[str, str]]
    people: list[ReportPersonRead]


def _certificate(data: certificates.CertificateData) -> CertificateVerification:
    return CertificateVerification(
        valid=True, code=data.code, name=data.name, id_number=data.id_number, unit=data.unit,
        department=data.department, year=data.year, credits_total=data.credits_total,
        class_i_total=data.class_i_total, class_ii_total=data.class_ii_total, hours_total=data.hours_total,
        issued_at=data.issued_at, dishonesty=data.dishonesty,
        lines=[msgspec.convert(line, CertificateLineRead, from_attributes=True) for line in data.lines],
    )


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


async def find(raw_code: str) -> ReportVerification | None:
    """What the report with this code says (its snapshot, with ``code``), or None."""
    code = normalise_code(raw_code)
    if code is None:
        return None
    row = await Report.select(Report.code, Report.snapshot).where(Report.code == code).first()
    if row is None or not row["snapshot"]:
        return None
    # A snapshot is what ``issue`` wrote: the summary's facts and people, title, kind, issued_at.
    return msgspec.convert({**json.loads(row["snapshot"]), "code": row["code"], "valid": True}, ReportVerification)


async def lookup(raw_code: str) -> certificates.CertificateData | ReportVerification:
    """What a code verifies: a certificate, else a printed report; 404 ``certificate_not_found``."""
    data = await certificates.find_or_none(raw_code)
    if data is not None:
        return data
    report = await find(raw_code)
    if report is None:
        raise NotFound("certificate_not_found", "证书不存在或验证码错误")
    return report


async def verify(raw_code: str) -> CertificateVerification | ReportVerification:
    """``lookup`` as the public verification answers it; 404 ``certificate_not_found``."""
    found = await lookup(raw_code)
    return found if isinstance(found, ReportVerification) else _certificate(found)
