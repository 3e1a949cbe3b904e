"""Image captchas for the login form once a username or address has failed a few times (seed 002 §3.1.2).

A captcha is four characters drawn by Pillow with noise lines, dots and a
per-character tilt. The database keeps a random key and a salted hash of the
answer; the answer is checked at most once (right or wrong, the row is used up)
and dies after a few minutes.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import random
import secrets

import msgspec
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from server.clock import now
from server.services.errors import DomainError, TooManyAttempts
from server.services.passwords import code_hash, code_matches
from server.tables import LoginCaptcha

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: what a tired eye confuses.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 4
WIDTH, HEIGHT = 160, 60
TTL = dt.timedelta(minutes=5)
PER_IP_WINDOW = dt.timedelta(minutes=10)
PER_IP_LIMIT = 300


def new_answer() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def answer_hash(answer: str) -> str:
    """What the database keeps of an answer: case and spaces don't count."""
    return code_hash(answer.strip().upper())


def _matches(answer: str, stored: str) -> bool:
    return code_matches(answer.strip().upper(), stored)


def render_png(answer: str) -> bytes:
    """A WIDTH×HEIGHT PNG of ``answer``: tilted glyphs over noise, lightly blurred."""
    rng = random.Random(secrets.randbits(64))
    image = Image.new("RGB", (WIDTH, HEIGHT), (244, 246, 250))
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        draw.point((x, y), fill=(rng.randrange(120, 200),) * 3)
    font = ImageFont.load_default(size=36)
    step = WIDTH // (len(answer) + 1)
    for i, char in enumerate(answer):
        glyph = Image.new("RGBA", (48, 56), (0, 0, 0, 0))
        colour = (rng.randrange(10, 90), rng.randrange(20, 90), rng.randrange(60, 140), 255)
        ImageDraw.Draw(glyph).text((10, 4), char, font=font, fill=colour)
        glyph = glyph.rotate(rng.uniform(-28, 28), resample=Image.BICUBIC, expand=False)
        x = step // 2 + i * step + rng.randrange(-4, 5)
        y = rng.randrange(-2, 8)
        image.paste(glyph, (x, y), glyph)
    for _ in range(4):
        points = [(rng.randrange(WIDTH), rng.randrange(HEIGHT)) for _ in range(3)]
        draw.line(points, fill=(rng.randrange(60, 160),) * 3, width=2)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class CaptchaRead(msgspec.Struct, frozen=True):
    id: str
    image: str


async def issue(*, ip: str = "") -> CaptchaRead:
    """A new captcha: its key and the PNG as a data URL."""
    moment = now()
    # Each one costs a drawing and a row: an address asking for more than a
    # crowd of real users would (a hospital shares one NAT address) is a script.
    if ip and await LoginCaptcha.count().where(
            (LoginCaptcha.ip == ip[:64]) & (LoginCaptcha.created_at > moment - PER_IP_WINDOW)) >= PER_IP_LIMIT:
        raise TooManyAttempts("获取图形验证码过于频繁，请稍后再试", retry_after=int(PER_IP_WINDOW.total_seconds()))
    answer = new_answer()
    png = await asyncio.to_thread(render_png, answer)
    key = secrets.token_urlsafe(24)
    # Old rows are useless; clearing them here keeps the table to an hour's worth.
    await LoginCaptcha.delete().where(LoginCaptcha.expires_at < moment - dt.timedelta(hours=1))
    await LoginCaptcha.insert(LoginCaptcha(key=key, answer_hash=answer_hash(answer), created_at=moment,
                                           expires_at=moment + TTL, ip=ip[:64]))
    return CaptchaRead(id=key, image="data:image/png;base64," + base64.b64encode(png).decode())


async def verify(key: str | None, answer: str | None) -> None:
    """Use up captcha ``key``; raises ``captcha_invalid`` unless it is live and ``answer`` fits."""
    if not key or not answer:
        raise DomainError("captcha_required", "请输入图形验证码", status_code=401, field="captcha_answer")
    row = await (LoginCaptcha.update({LoginCaptcha.used_at: now()})
                 .where((LoginCaptcha.key == key) & LoginCaptcha.used_at.is_null()
                        & (LoginCaptcha.expires_at > now()))
                 .returning(LoginCaptcha.answer_hash))
    if not row or not _matches(answer, row[0]["answer_hash"]):
        raise DomainError("captcha_invalid", "图形验证码错误或已过期，请重新输入", status_code=401,
                          field="captcha_answer")
