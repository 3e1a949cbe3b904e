"""The account page's list of logged-in devices (login sessions), each of which can be ended."""

from __future__ import annotations

import datetime as dt

import msgspec

from server.clock import now
from server.services.errors import NotFound
from server.services.principal import Principal
from server.tables import LoginSession


class DeviceRead(msgspec.Struct, frozen=True):
    id: int
    device: str
    ip: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    remember: bool
    current: bool


# (marker in the user agent, word shown), first match wins: WeChat's browser also says Chrome.
_BROWSERS = (("MicroMessenger", "微信"), ("EdgA", "Edge"), ("Edg/", "Edge"), ("HuaweiBrowser", "华为浏览器"),
             ("MiuiBrowser", "小米浏览器"), ("UCBrowser", "UC 浏览器"), ("QQBrowser", "QQ 浏览器"),
             ("Firefox", "Firefox"), ("Chrome", "Chrome"), ("Safari", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("HarmonyOS", "鸿蒙"), ("Android", "Android"),
            ("Windows", "Windows"), ("Mac OS X", "Mac"), ("Linux", "Linux"))


def device_words(user_agent: str) -> str:
    """'微信 · Android' from a user agent; '未知设备' when it says nothing we know."""
    browser = next((word for marker, word in _BROWSERS if marker in user_agent), "")
    system = next((word for marker, word in _SYSTEMS if marker in user_agent), "")
    return " · ".join(x for x in (browser, system) if x) or "未知设备"


def _live():  # type: ignore[no-untyped-def]
    moment = now()
    return LoginSession.revoked_at.is_null() & (LoginSession.expires_at > moment)


async def list_devices(principal: Principal) -> list[DeviceRead]:
    rows = await (LoginSession.select(LoginSession.id, LoginSession.user_agent, LoginSession.ip,
                                      LoginSession.created_at, LoginSession.last_seen_at,
                                      LoginSession.expires_at, LoginSession.remember)
                  .where((LoginSession.account == principal.account_id) & _live())
                  .order_by(LoginSession.last_seen_at, ascending=False))
    return [DeviceRead(id=r["id"], device=device_words(r["user_agent"]), ip=r["ip"], created_at=r["created_at"],
                       last_seen_at=r["last_seen_at"], expires_at=r["expires_at"], remember=bool(r["remember"]),
                       current=r["id"] == principal.session_id) for r in rows]


async def end_device(principal: Principal, session_id: int) -> None:
    """Log out one of the caller's own live sessions (the current one too); 404 otherwise."""
    ended = await LoginSession.update({LoginSession.revoked_at: now()}).where(
        (LoginSession.id == session_id) & (LoginSession.account == principal.account_id) & _live()
    ).returning(LoginSession.id)
    if not ended:
        raise NotFound("device_not_found", "该设备已退出登录或不存在")
