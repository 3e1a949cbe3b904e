"""Self-registration, the unit's review of it, and account recovery by SMS.

Registering makes the account (pending, so it can't log in), the person and a
trainee grant in one transaction; the unit's admin approves (the account turns
active) or rejects with a reason, after which the registrant may edit and
resubmit. Every state change is a conditional UPDATE, so of two reviewers one
wins and the other gets 409.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
from dataclasses import dataclass

import msgspec

from server.clock import now
from server.services import audit, batch, sms, standards, throttle
from server.services.auth import check_sms_code, end_all_sessions
from server.services.errors import Conflict, Forbidden, Invalid, NotFound, is_unique_violation
from server.services.idcard import IdNumber, parse_id_number
from server.services.masking import mask_id_number, mask_phone
from server.services.passwords import DUMMY_HASH, hash_password, password_problem, verify_password
from server.services.principal import Principal
from server.services.results import BatchResult, Page
from server.settings import Settings
from server.tables import Account, Department, Person, Registration, RoleGrant, Unit
from server.tables.enums import AccountStatus, RegistrationStatus, Role, SmsPurpose

S = RegistrationStatus
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,50}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MISMATCH = ("mismatch", "用户名和身份证号码不匹配")


class RegistrationStatusRead(msgspec.Struct, frozen=True):
    id: int
    status: str


class RegistrationStateRead(msgspec.Struct, frozen=True):
    status: str
    reason: str


class RegistrationRead(msgspec.Struct, frozen=True):
    id: int
    username: str
    name: str
    id_number: str
    phone: str
    email: str
    unit_id: int
    unit_name: str
    department_id: int | None
    department_name: str | None
    joins_cme: bool
    standard_id: int | None
    status: str
    reason: str
    created_at: str
    updated_at: str


class UsernameRead(msgspec.Struct, frozen=True):
    username: str


@dataclass(slots=True)
class Form:
    """What the registrant fills in (steps 2 and 3), checked by :func:`_check_form`."""

    unit_id: int
    department_id: int | None
    name: str
    email: str
    joins_cme: bool
    standard_id: int | None


def parse_id(raw: str, field: str = "id_number") -> IdNumber:
    parsed = parse_id_number(raw)
    if parsed is None:
        raise Invalid(field, "身份证号码不正确（请核对出生日期和最后一位校验码）")
    return parsed


async def _check_form(form: Form) -> Form:
    form.name = form.name.strip()
    if not form.name:
        raise Invalid("name", "请填写真实姓名")
    form.email = form.email.strip()
    if form.email and not _EMAIL.match(form.email):
        raise Invalid("email", "电子邮箱格式不正确")
    if not await Unit.exists().where((Unit.id == form.unit_id) & (Unit.active == True)):  # noqa: E712
        raise Invalid("unit_id", "单位不存在")
    if form.department_id is not None and not await Department.exists().where(
        (Department.id == form.department_id) & (Department.unit == form.unit_id)
        & (Department.active == True)  # noqa: E712
    ):
        raise Invalid("department_id", "科室不属于所选单位")
    if form.standard_id is not None:
        # 学分达标遵照标准 (seed 000 §2.2): a live standard that people of this unit's region may follow.
        await standards.check_for_unit(form.standard_id, form.unit_id)
    return form


async def _check_unique(username: str, phone: str, id_number: str) -> None:
    if await Account.exists().where(Account.username == username):
        raise Invalid("username", "用户名已被使用", code="username_taken")
    if await Account.exists().where(Account.phone == phone):
        raise Invalid("phone", "该手机号已注册，请直接登录或找回密码", code="phone_taken")
    if await Person.exists().where(Person.id_number == id_number):
        raise Invalid("id_number", "该身份证号码已登记，请联系单位管理员或找回用户名", code="id_number_taken")


def _person_no() -> str:
    return "R" + "".join(secrets.choice("0123456789") for _ in range(11))


async def register(*, phone: str, sms_code: str, username: str, id_number: str, password: str, form: Form,
                   settings: Settings, ip: str) -> RegistrationStatusRead:
    phone = sms.check_phone(phone)
    parsed = parse_id(id_number)
    username = username.strip()
    if not _USERNAME.match(username):
        raise Invalid("username", "用户名为 3-50 位字母、数字或 _ . @ -")
    problem = password_problem(password)
    if problem:
        raise Invalid("password", problem, code="weak_password")
    form = await _check_form(form)
    # The code first: without one, whether a username, phone or ID number is
    # taken is nobody's business (it would be an enumeration oracle).
    # (Guessing is bounded by the code's own tries, counted atomically in sms.check_code.)
    code_id = await sms.check_code(phone, SmsPurpose.register, sms_code, settings=settings)
    await _check_unique(username, phone, parsed.value)
    password_hash = await asyncio.to_thread(hash_password, password)
    moment = now()
    try:
        registration = await _create(code_id, phone=phone, username=username, parsed=parsed, form=form,
                                     password_hash=password_hash, moment=moment, ip=ip)
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("duplicate", "用户名、手机号或身份证号码刚刚已被注册，请检查后重试") from error
        raise
    return RegistrationStatusRead(id=registration.id, status=S.pending.value)


async def _create(code_id: int, *, phone: str, username: str, parsed: IdNumber, form: Form, password_hash: str,
                  moment: dt.datetime, ip: str) -> Registration:
    async with Registration._meta.db.transaction():
        await sms.consume(code_id)
        person = Person(unit=form.unit_id, department=form.department_id, id_number=parsed.value, name=form.name,
                        sex=parsed.sex, birth_date=parsed.birth_date, phone=phone, person_no=_person_no(),
                        joins_cme=form.joins_cme)
        await person.save()
        account = Account(username=username, password_hash=password_hash, person=person.id, name=form.name,
                          phone=phone, status=AccountStatus.pending)
        await account.save()
        await RoleGrant.insert(RoleGrant(account=account.id, role=Role.trainee))
        registration = Registration(
            phone=phone, unit=form.unit_id, department=form.department_id, username=username, name=form.name,
            id_number=parsed.value, email=form.email, joins_cme=form.joins_cme, standard_id=form.standard_id,
            status=S.pending, account=account.id, created_at=moment, updated_at=moment)
        await registration.save()
        await audit.record("registration_submit", account_id=account.id, account_name=username, ip=ip,
                           target_type="registration", target_id=registration.id,
                           detail=f"注册账号 {username}（{mask_id_number(parsed.value)}）")
    return registration


async def status(username: str, id_number: str) -> RegistrationStateRead:
    row = await Registration.select(Registration.status, Registration.reason).where(
        (Registration.username == username.strip()) & (Registration.id_number == id_number.strip().upper())
    ).first()
    if row is None:
        raise NotFound(*_MISMATCH)
    return RegistrationStateRead(status=row["status"],
                                 reason=row["reason"] if row["status"] == S.rejected.value else "")


async def lookup(username: str, id_number: str, password: str, *, settings: Settings,
                 ip: str) -> RegistrationRead:
    """The registrant's own form, to edit it before resubmitting; the password proves ownership."""
    username = username.strip()
    # Counted like a login before the check: the same password is being guessed.
    await throttle.attempt(throttle.login_user(settings), username)
    row = await Registration.select(*_QUEUE_COLUMNS, Registration.account.password_hash.as_alias("password_hash")
                                    ).where((Registration.username == username)
                                            & (Registration.id_number == id_number.strip().upper())).first()
    ok = await asyncio.to_thread(verify_password, password, row["password_hash"] if row else DUMMY_HASH)
    if row is None or not ok:
        raise NotFound(*_MISMATCH) if row is None else Invalid("password", "密码不正确", code="wrong_password")
    await throttle.passed(throttle.login_user(settings), username)
    row = dict(row)
    del row["password_hash"]
    return _read(row, masked=False)


async def resubmit(registration_id: int, *, username: str, id_number: str, password: str, form: Form,
                   ip: str, settings: Settings) -> RegistrationStatusRead:
    """Edit a pending or rejected registration; it goes back to the unit as pending."""
    # Counted like a login before the check: a wrong password (422) and a right one
    # (then 409 for an approved registration) must not be an unlimited oracle.
    await throttle.attempt(throttle.login_user(settings), username.strip())
    row = await Registration.select(Registration.id, Registration.status, Registration.account,
                                    Registration.account.password_hash.as_alias("password_hash"),
                                    Registration.account.person.as_alias("person_id")).where(
        (Registration.id == registration_id) & (Registration.username == username.strip())
        & (Registration.id_number == id_number.strip().upper())
    ).first()
    ok = await asyncio.to_thread(verify_password, password, row["password_hash"] if row else DUMMY_HASH)
    if row is None or not ok:
        raise NotFound(*_MISMATCH) if row is None else Invalid("password", "密码不正确", code="wrong_password")
    await throttle.passed(throttle.login_user(settings), username.strip())
    if row["status"] == S.approved.value:
        raise Conflict("invalid_state", "注册已审核通过，不能再修改")
    form = await _check_form(form)
    moment = now()
    async with Registration._meta.db.transaction():
        changed = await Registration.update({
            Registration.unit: form.unit_id, Registration.department: form.department_id,
            Registration.name: form.name, Registration.email: form.email, Registration.joins_cme: form.joins_cme,
            Registration.standard_id: form.standard_id, Registration.status: S.pending, Registration.reason: "",
            Registration.updated_at: moment,
        }).where((Registration.id == registration_id)
                 & Registration.status.is_in([S.pending.value, S.rejected.value])).returning(Registration.id)
        if not changed:
            raise Conflict("invalid_state", "注册已审核通过，不能再修改")
        await Person.update({Person.unit: form.unit_id, Person.department: form.department_id,
                             Person.name: form.name, Person.joins_cme: form.joins_cme,
                             Person.updated_at: moment}).where(Person.id == row["person_id"])
        await Account.update({Account.name: form.name, Account.status: AccountStatus.pending}).where(
            Account.id == row["account"])
        await audit.record("registration_resubmit", account_id=row["account"], account_name=username.strip(),
                           ip=ip, target_type="registration", target_id=registration_id, detail="修改并重新提交注册")
    return RegistrationStatusRead(id=registration_id, status=S.pending.value)


# -- the unit's review ---------------------------------------------------------

_QUEUE_COLUMNS = (
    Registration.id, Registration.username, Registration.name, Registration.id_number, Registration.phone,
    Registration.email, Registration.unit.id.as_alias("unit_id"), Registration.unit.name.as_alias("unit_name"),
    Registration.department.id.as_alias("department_id"),
    Registration.department.name.as_alias("department_name"), Registration.joins_cme, Registration.standard_id,
    Registration.status, Registration.reason, Registration.created_at, Registration.updated_at,
)


def _units(principal: Principal) -> list[int]:
    units = sorted(principal.unit_ids())
    if not units:
        raise Forbidden("forbidden", "只有单位管理员可以审核注册")
    return units


async def queue(principal: Principal, *, status: RegistrationStatus | None, page: int,
                page_size: int) -> Page[RegistrationRead]:
    clauses = [Registration.unit.is_in(_units(principal))]
    if status is not None:
        clauses.append(Registration.status == status.value)
    query, count = Registration.select(*_QUEUE_COLUMNS), Registration.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(Registration.created_at).limit(page_size).offset((page - 1) * page_size)
    return Page(items=[_read(r, masked=True) for r in rows], total=await count)


def _read(row: dict, *, masked: bool) -> RegistrationRead:
    """``masked``: the unit's queue; the registrant's own lookup shows their ID number and phone."""
    row = dict(row)
    if masked:
        row["id_number"] = mask_id_number(row["id_number"])
        row["phone"] = mask_phone(row["phone"])
    row["joins_cme"] = bool(row["joins_cme"])
    for key in ("created_at", "updated_at"):
        row[key] = row[key].isoformat()
    return msgspec.convert(row, RegistrationRead)


async def review(principal: Principal, registration_id: int, action: str,
                 reason: str = "") -> RegistrationStatusRead:
    reason = reason.strip()
    if action == "reject" and not reason:
        raise Invalid("reason", "请填写不通过的原因")
    row = await Registration.select(Registration.id, Registration.status, Registration.account,
                                    Registration.username, Registration.standard_id,
                                    Registration.account.person.as_alias("person_id")).where(
        (Registration.id == registration_id) & Registration.unit.is_in(_units(principal))).first()
    if row is None:
        raise NotFound("registration_not_found", "注册记录不存在或不在您的管理范围内")
    if row["status"] != S.pending.value:
        raise Conflict("invalid_state", "该注册不在待审核状态")
    to = S.approved if action == "approve" else S.rejected
    moment = now()
    async with Registration._meta.db.transaction():
        changed = await Registration.update({
            Registration.status: to, Registration.reason: reason if to == S.rejected else "",
            Registration.reviewed_by: principal.account_id, Registration.reviewed_at: moment,
            Registration.updated_at: moment,
        }).where((Registration.id == registration_id) & (Registration.status == S.pending.value)).returning(
            Registration.id)
        if not changed:
            raise Conflict("invalid_state", "该注册刚刚已被他人处理，请刷新")
        await Account.update({Account.status: AccountStatus.active if to == S.approved else AccountStatus.rejected}
                             ).where(Account.id == row["account"])
        if to == S.approved and row["standard_id"] is not None:
            await standards.keep_registration_choice(row["person_id"], row["standard_id"])
        word = "审核通过" if to == S.approved else f"审核不通过：{reason}"
        await audit.record(f"registration_{action}", principal=principal, target_type="registration",
                           target_id=registration_id, detail=f"注册 {row['username']} {word}")
    return RegistrationStatusRead(id=registration_id, status=to.value)


async def review_many(principal: Principal, ids: list[int], action: str, reason: str = "") -> list[BatchResult]:
    """Each registration on its own, so one conflict doesn't undo the others."""
    if action == "reject" and not reason.strip():
        raise Invalid("reason", "请填写不通过的原因")
    return await batch.one_by_one(ids, lambda registration_id: review(principal, registration_id, action, reason),
                                  per_record=(Conflict, NotFound))


# -- recovery --------------------------------------------------------------------


async def reset_password(phone: str, sms_code: str, new_password: str, *, settings: Settings, ip: str) -> None:
    def check_password() -> None:
        problem = password_problem(new_password)
        if problem:
            raise Invalid("new_password", problem, code="weak_password")

    phone, key, code_id = await check_sms_code(phone, SmsPurpose.reset_password, sms_code, settings=settings, ip=ip,
                                               before_code=check_password)
    account = await Account.select(Account.id, Account.username).where(Account.phone == phone).order_by(
        Account.id).first()
    if account is None:  # no code is ever sent to an unknown phone; belt and braces
        raise Invalid("sms_code", "验证码已过期或无效，请重新获取", code="sms_code_expired")
    new_hash = await asyncio.to_thread(hash_password, new_password)
    async with Account._meta.db.transaction():
        await sms.consume(code_id)
        await Account.update({Account.password_hash: new_hash, Account.must_change_password: False,
                              Account.password_changed_at: now()}).where(Account.id == account["id"])
        await end_all_sessions(account["id"])
        await throttle.passed(throttle.login_user(settings), key)
        await audit.record("password_reset", account_id=account["id"], account_name=account["username"], ip=ip,
                           target_type="account", target_id=account["id"], detail="短信验证码重置密码")


async def find_username(id_number: str, phone: str, sms_code: str, *, settings: Settings,
                        ip: str) -> UsernameRead:
    value = (id_number or "").strip().upper()
    phone, key, code_id = await check_sms_code(phone, SmsPurpose.find_username, sms_code, settings=settings, ip=ip)
    account = await Account.select(Account.id, Account.username).where(
        (Account.person.id_number == value) & (Account.phone == phone)).first()
    if account is None:
        raise NotFound("mismatch", "身份证号码和手机号不匹配")
    async with Account._meta.db.transaction():
        await sms.consume(code_id)
        await throttle.passed(throttle.login_user(settings), key)
        await audit.record("find_username", account_id=account["id"], account_name=account["username"], ip=ip,
                           target_type="account", target_id=account["id"], detail="短信验证找回用户名")
    return UsernameRead(username=account["username"])
