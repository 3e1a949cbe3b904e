"""The public ``/v/{code}`` page: what a certificate or a printed report says, as HTML.

Pure rendering (plain data in, text out; every value escaped); the page has no
script and its headers (``HEADERS``) allow none. The data and the lookup are
the services' (``services/certificates.py``, ``services/documents.py``).
"""

from __future__ import annotations

import datetime as dt
import html
import re

from server.clock import CHINA
from server.labels import CREDIT_CLASS, label
from server.services.certificates import CertificateData, cn_date, fmt, grouped
from server.services.documents import KIND_WORDS

_PAGE_STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
background:#f3f5f8;color:#1f2933;line-height:1.6;font-size:16px}
main{max-width:640px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;padding:16px;margin-bottom:12px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.status{text-align:center;padding:24px 16px}
.status h1{margin:0 0 4px;font-size:24px}
.ok h1{color:#1a7f37}.bad h1{color:#c62828}
.muted{color:#66727f;font-size:14px}
dl{display:grid;grid-template-columns:6em 1fr;gap:6px 8px;margin:0}
dt{color:#66727f}dd{margin:0;word-break:break-all}
h2{font-size:17px;margin:0 0 8px}
.totals{display:flex;gap:8px;text-align:center}
.totals div{flex:1;background:#f3f5f8;border-radius:8px;padding:8px 4px}
.totals b{display:block;font-size:20px}
ul{list-style:none;margin:0;padding:0}
li{border-top:1px solid #e6e9ee;padding:8px 0}
li:first-child{border-top:0}
.code{font-family:Menlo,Consolas,monospace;letter-spacing:1px;white-space:nowrap}
"""

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _page(title: str, inner: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{html.escape(title)} - 继教学分证明验证</title><style>{_PAGE_STYLE}</style></head>"
        f"<body><main>{inner}</main></body></html>"
    )


def certificate_page(data: CertificateData | None, raw_code: str) -> str:
    """The public page for ``/v/{code}``: 证书有效 with the details, or 证书无效."""
    e = html.escape
    if data is None:
        shown = re.sub(r"\s+", " ", raw_code or "").strip()[:40]
        return _page("证书无效", (
            '<section class="card status bad"><h1>✗ 证书无效</h1>'
            f'<p>未找到验证码为 <span class="code">{e(shown)}</span> 的学分证明。</p>'
            '<p class="muted">请核对验证码（12 位，不含数字 0、1 和字母 O、I、L），'
            "或直接扫描证明上的二维码。</p></section>"
        ))
    items = "".join(
        f"<li><div>{e(line.title)}</div><div class=\"muted\">{e(line.date)} · "
        f"{e(label(CREDIT_CLASS, line.credit_class))} · {e(fmt(line.credits))} 学分 · "
        f"{e(fmt(line.hours))} 学时 · {e(line.source_label)}</div></li>"
        for line in data.lines
    ) or '<li class="muted">本年度暂无有效学分</li>'
    warning = f'<section class="card" style="color:#b71c1c">{e(data.dishonesty)}</section>' if data.dishonesty else ""
    return _page("证书有效", (
        '<section class="card status ok"><h1>✓ 证书有效</h1>'
        f'<p class="muted">{e(str(data.year))} 年度继续医学教育学分证明 · 验证码 '
        f'<span class="code">{e(grouped(data.code))}</span></p></section>'
        '<section class="card"><dl>'
        f"<dt>姓名</dt><dd>{e(data.name)}</dd>"
        f"<dt>身份证号</dt><dd>{e(data.id_number)}</dd>"
        f"<dt>单位</dt><dd>{e(data.unit)}</dd>"
        f"<dt>科室</dt><dd>{e(data.department or '—')}</dd>"
        f"<dt>年度</dt><dd>{e(str(data.year))}</dd>"
        f"<dt>出具日期</dt><dd>{e(cn_date(data.issued_on))}</dd>"
        "</dl></section>"
        f"{warning}"
        '<section class="card"><h2>学分合计</h2><div class="totals">'
        f"<div><b>{e(fmt(data.class_i_total))}</b><span class=\"muted\">I类</span></div>"
        f"<div><b>{e(fmt(data.class_ii_total))}</b><span class=\"muted\">II类</span></div>"
        f"<div><b>{e(fmt(data.credits_total))}</b><span class=\"muted\">总学分</span></div>"
        "</div></section>"
        f'<section class="card"><h2>学分明细（{len(data.lines)} 项）</h2><ul>{items}</ul></section>'
        '<p class="muted" style="text-align:center">以上内容为证明出具时的记录。</p>'
    ))


def report_page(report: ReportVerification) -> str:
    """The public page of a printed report: 文件有效, what it is, and who it lists."""
    e = html.escape
    kind = KIND_WORDS.get(report.kind, "学分文件")
    issued = dt.datetime.fromisoformat(report.issued_at).astimezone(CHINA).date()
    facts = "".join(f"<dt>{e(str(k))}</dt><dd>{e(str(v))}</dd>" for k, v in report.facts)
    items = "".join(
        f"<li><div>{e(p.name)}"
        + (f" <span class=\"muted\">{e(p.person_no)}</span>" if p.person_no else "")
        + f"</div><div class=\"muted\">{e(p.line)}</div></li>"
        for p in report.people
    ) or '<li class="muted">无人员</li>'
    return _page("文件有效", (
        '<section class="card status ok"><h1>✓ 文件有效</h1>'
        f'<p class="muted">{e(kind)} · 验证码 <span class="code">{e(grouped(report.code))}</span></p>'
        "</section>"
        f'<section class="card"><h2>{e(report.title)}</h2><dl>{facts}'
        f"<dt>出具日期</dt><dd>{e(cn_date(issued))}</dd></dl></section>"
        f'<section class="card"><h2>人员（{len(report.people)} 名）</h2><ul>{items}</ul></section>'
        '<p class="muted" style="text-align:center">以上内容为文件出具时的记录。</p>'
    ))
