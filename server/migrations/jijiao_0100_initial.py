"""The initial schema: every table, as the 35 migrations jijiao_0001 … jijiao_0074 left it.

Squashed before the first production database (issue 10 item 9). How it was made:
the tables, columns and column parameters below are Piccolo's own schema snapshot
after the old chain (what ``piccolo migrations new --auto`` compares the table
classes with), printed in this form by a throwaway script and read through by
hand. Columns are in the order the old chain's databases have them: a column
added to an existing table comes last in it, as ALTER TABLE ADD COLUMN put it,
so a database made from here is the same as one migrated through the old chain,
column for column. The choices are the table classes' as they are now.

What a Piccolo column cannot say (multi-column, partial and expression indexes,
the throttle table, SQLite's AUTOINCREMENT) is jijiao_0101, right after this one:
Piccolo runs a migration's raw steps before its tables are made. The data every
database starts with follow as code: jijiao_0102 (national credit rules) and
jijiao_0103 (compliance standards).

Before the old chain was deleted, both were run on empty SQLite and PostgreSQL
databases: the schemas (sqlite_master; ``pg_dump --schema-only``) and the seeded
rows came out equal. The old files are in git history, before the commit that
added this one.

This file is not edited again: a database that has run it never runs it again.
A later schema change is a new migration after jijiao_0103 (``piccolo migrations
new jijiao --auto`` diffs against these calls; it does not see jijiao_0101's raw
SQL, so it reports the throttle table as missing: leave that out of what it writes).
"""

import decimal
from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (BigInt, Boolean, Date, ForeignKey, Integer, Numeric, Text, Timestamptz,
                                          Varchar)
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-06T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "initial schema: every table (squashed from jijiao_0001 … jijiao_0074)"


def _ref(name: str, tablename: str) -> type[Table]:
    """A stand-in for a referenced table: its name and its ``id`` key are all a foreign key needs."""
    return type(name, (Table,), {}, tablename=tablename, schema=None)


def _choices(name: str, *same: str, **named: str) -> type[Enum]:
    """The choices of a varchar column: ``"a", "b"`` where a member's name is its value."""
    return Enum(name, {**{value: value for value in same}, **named})


# -- the column kinds; a nullable column's default is NULL unless one is given ----------------

SET_NULL = OnDelete.set_null


def _fk(references: type[Table] | str, *, on_delete: OnDelete = OnDelete.cascade, unique: bool = False,
        index: bool = False) -> tuple:
    """A foreign key to ``references``' id: every one here may be NULL and follows its key on update."""
    return ForeignKey, {"references": references, "on_delete": on_delete, "on_update": OnUpdate.cascade,
                        "target_column": None, "null": True, "unique": unique, "index": index}


def _varchar(length: int, default=..., *, null: bool = False, unique: bool = False, index: bool = False,
             choices: type[Enum] | None = None, secret: bool = False) -> tuple:
    default = (None if null else "") if default is ... else default
    return Varchar, {"length": length, "default": default, "null": null, "unique": unique, "index": index,
                     "choices": choices, "secret": secret}


def _text(default: str = "", *, secret: bool = False) -> tuple:
    return Text, {"default": default, "secret": secret}


def _int(default=..., *, null: bool = False, index: bool = False) -> tuple:
    return Integer, {"default": (None if null else 0) if default is ... else default, "null": null, "index": index}


def _bigint(default=..., *, null: bool = False) -> tuple:
    return BigInt, {"default": (None if null else 0) if default is ... else default, "null": null}


def _numeric(digits: tuple[int, int], default=..., *, null: bool = False) -> tuple:
    default = (None if null else 0) if default is ... else default
    return Numeric, {"digits": digits, "default": None if default is None else decimal.Decimal(default), "null": null}


def _bool(default: bool) -> tuple:
    return Boolean, {"default": default}


def _date(*, null: bool = False) -> tuple:
    return Date, {"default": None if null else DateNow(), "null": null}


def _timestamp(*, null: bool = False, index: bool = False) -> tuple:
    return Timestamptz, {"default": None if null else TimestamptzNow(), "null": null, "index": index}


# -- the choices of varchar columns (Piccolo's --auto compares them; the database does not keep them) --

AccountStatus = _choices("AccountStatus", "active", "pending", "rejected", "disabled")
ArchiveAction = _choices("ArchiveAction", "add", "update", "delete")
ArchiveChangeStatus = _choices("ArchiveChangeStatus", "pending", "approved", "rejected", "withdrawn")
ArchiveSection = _choices("ArchiveSection", "basic", "education", "training", "papers", "work", "awards")
CheckinMethod = _choices("CheckinMethod", "scan", "claim", "manual", "reverse")
ClassStatus = _choices("ClassStatus", "draft", "accepting", "closed")
CourseStatus = _choices("CourseStatus", "draft", "published", "closed")
CreditCategory = _choices("CreditCategory", "public", "professional", "elective")
CreditClass = _choices("CreditClass", class_i="I", class_ii="II")
CreditSource = _choices("CreditSource", attendance="attendance", speaker="speaker", personal="personal",
                        project="project", training_class="class", course="course", imported="import")
CreditStatus = _choices("CreditStatus", "draft", "pending_dept", "pending_unit", "effective", "returned", "rejected",
                        "revoked")
EnrolmentStatus = _choices("EnrolmentStatus", "pending", "enrolled", "completed", "refused", "cancelled")
LessonKind = _choices("LessonKind", "text", "video")
NoticeKind = _choices("NoticeKind", "credit_returned", "credit_rejected", "training_reminder", "compliance_reminder",
                      "compliance_digest")
PersonStatus = _choices("PersonStatus", active="正常", transferred="调出", retired="退休", resigned="离职", suspended="停用")
PrepStatus = _choices("PrepStatus", "open", "submitted", "checked", "returned")
ProjectFileKind = _choices("ProjectFileKind", "attachment", "notice")
ProjectLevel = _choices("ProjectLevel", "provincial", "city")
ProjectStatus = _choices("ProjectStatus", "draft", "submitted", "pending_region", "published", "returned", "rejected")
QrPhase = _choices("QrPhase", "checkin", "checkout")
QuestionKind = _choices("QuestionKind", "single", "multiple")
RegionLevel = _choices("RegionLevel", "province", "city", "district")
RegistrationStatus = _choices("RegistrationStatus", "pending", "rejected", "approved")
ReminderSms = _choices("ReminderSms", "queued", "sent", "failed", "no_phone")
ReportKind = _choices("ReportKind", "proof", "verification", "register")
Role = _choices("Role", "trainee", "organiser", "dept_admin", "unit_admin", "provider_admin", "region_admin")
RuleUnit = _choices("RuleUnit", "hour", "day", "time", "authorship")
Sex = _choices("Sex", male="男", female="女")
Staffing = _choices("Staffing", on_staff="在编", off_staff="编外")
StandardScheme = _choices("StandardScheme", "cme", "hours")
TitleLevel = _choices("TitleLevel", senior="正高", associate="副高", intermediate="中级", junior="初级", none="无")
TrainingKind = _choices("TrainingKind", "inhouse", "project")
TrainingStatus = _choices("TrainingStatus", "draft", "submitted", "approved", "rejected", "closed")
UnitLevel = _choices("UnitLevel", provincial="省直", city="市直属", county="区县", association="学协会", other="其他")

# -- the tables foreign keys point at ---------------------------------------------------------

Account = _ref("Account", "account")
ArchiveItem = _ref("ArchiveItem", "archive_item")
Course = _ref("Course", "course")
Credit = _ref("Credit", "credit")
CreditRule = _ref("CreditRule", "credit_rule")
Department = _ref("Department", "department")
Dishonesty = _ref("Dishonesty", "dishonesty")
Lesson = _ref("Lesson", "lesson")
Notice = _ref("Notice", "notice")
Person = _ref("Person", "person")
Project = _ref("Project", "project")
Provider = _ref("Provider", "provider")
Region = _ref("Region", "region")
Standard = _ref("Standard", "standard")
Training = _ref("Training", "training")
TrainingClass = _ref("TrainingClass", "training_class")
TrainingSession = _ref("TrainingSession", "training_session")
Unit = _ref("Unit", "unit")

# -- the tables, in server/tables' order (ALL_TABLES); each column's name and kind ------------
#
# Each table also has Piccolo's ``id`` key (SERIAL on PostgreSQL, INTEGER PRIMARY KEY on SQLite).
# Every column is NOT NULL unless ``null=True`` (foreign keys: always nullable); ``unique=True`` is a
# UNIQUE column constraint, ``index=True`` a one-column index named ``<table>_<column>``.

_TABLES: dict[tuple[str, str], list[tuple[str, tuple]]] = {
    ("Region", "region"): [
        ("code", _varchar(6, unique=True)),
        ("name", _varchar(50)),
        ("level", _varchar(10, choices=RegionLevel)),
        ("parent", _fk("self")),
        ("prefix", _varchar(6, index=True)),
    ],
    ("Unit", "unit"): [
        ("name", _varchar(100, index=True)),
        ("code", _varchar(20, "", null=True, unique=True)),
        ("region", _fk(Region)),
        ("region_code", _varchar(6, index=True)),
        ("level", _varchar(10, "市直属", choices=UnitLevel)),
        ("active", _bool(True)),
        ("created_at", _timestamp()),
    ],
    ("Department", "department"): [
        ("unit", _fk(Unit, index=True)),
        ("name", _varchar(50)),
        ("sort_order", _int()),
        ("active", _bool(True)),
        ("created_at", _timestamp()),
    ],
    ("Person", "person"): [
        ("unit", _fk(Unit, index=True)),
        ("department", _fk(Department, index=True)),
        ("id_number", _varchar(18, unique=True)),
        ("name", _varchar(50, index=True)),
        ("sex", _varchar(2, choices=Sex)),
        ("birth_date", _date(null=True)),
        ("title", _varchar(50)),
        ("title_level", _varchar(4, "无", choices=TitleLevel)),
        ("title_assessed_on", _date(null=True)),
        ("appointment_year", _int(null=True)),
        ("staffing", _varchar(4, "在编", choices=Staffing)),
        ("status", _varchar(4, "正常", choices=PersonStatus)),
        ("phone", _varchar(20)),
        ("specialty", _varchar(50)),
        ("person_no", _varchar(20, unique=True)),
        ("position", _varchar(50)),
        ("photo", _varchar(255, null=True)),
        ("joins_cme", _bool(True)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
        ("checkin_secret", _varchar(64, null=True, secret=True)),
    ],
    ("PersonYear", "person_year"): [
        ("person", _fk(Person, index=True)),
        ("year", _int()),
        ("title", _varchar(50)),
        ("title_level", _varchar(4, "无", choices=TitleLevel)),
        ("title_assessed_on", _date(null=True)),
        ("status", _varchar(4, "正常", choices=PersonStatus)),
        ("unit", _fk(Unit)),
        ("remark", _text()),
    ],
    ("Account", "account"): [
        ("username", _varchar(50, unique=True)),
        ("password_hash", _varchar(255)),
        ("person", _fk(Person, unique=True)),
        ("name", _varchar(50)),
        ("phone", _varchar(20)),
        ("status", _varchar(10, "active", choices=AccountStatus)),
        ("must_change_password", _bool(False)),
        ("totp_secret", _varchar(64, null=True)),
        ("created_at", _timestamp()),
        ("password_changed_at", _timestamp()),
        ("last_login_at", _timestamp(null=True)),
        ("totp_last_step", _bigint(null=True)),
        ("totp_pending_secret", _varchar(64, null=True)),
    ],
    ("RoleGrant", "role_grant"): [
        ("account", _fk(Account, index=True)),
        ("role", _varchar(20, choices=Role)),
        ("department", _fk(Department)),
        ("unit", _fk(Unit)),
        ("region", _fk(Region)),
        ("created_at", _timestamp()),
        ("provider", _fk(Provider)),
    ],
    ("LoginSession", "login_session"): [
        ("token_hash", _varchar(64, unique=True)),
        ("csrf_token", _varchar(64)),
        ("account", _fk(Account, index=True)),
        ("created_at", _timestamp()),
        ("last_seen_at", _timestamp()),
        ("expires_at", _timestamp()),
        ("revoked_at", _timestamp(null=True)),
        ("ip", _varchar(64)),
        ("user_agent", _varchar(255)),
        ("remember", _bool(False)),
    ],
    ("AuditLog", "audit_log"): [
        ("at", _timestamp(index=True)),
        ("account", _fk(Account, on_delete=SET_NULL)),
        ("account_name", _varchar(50)),
        ("ip", _varchar(64)),
        ("action", _varchar(50, index=True)),
        ("target_type", _varchar(30)),
        ("target_id", _varchar(40, index=True)),
        ("detail", _text()),
        ("after_data", _text()),
        ("before_data", _text()),
        ("person", _fk(Person, index=True)),
    ],
    ("Training", "training"): [
        ("department", _fk(Department, index=True)),
        ("unit", _fk(Unit, index=True)),
        ("year", _int(index=True)),
        ("title", _varchar(200)),
        ("credit_class", _varchar(4, choices=CreditClass)),
        ("credits", _numeric((6, 2))),
        ("hours", _numeric((6, 2))),
        ("discipline", _varchar(50)),
        ("subdiscipline", _varchar(50)),
        ("format", _varchar(20, "面授")),
        ("assessment", _varchar(20)),
        ("other_no", _varchar(50)),
        ("remark", _text()),
        ("status", _varchar(10, "draft", index=True, choices=TrainingStatus)),
        ("requires_checkout", _bool(False)),
        ("min_minutes", _int()),
        ("review_reason", _text()),
        ("created_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
        ("category", _varchar(12, "professional", choices=CreditCategory)),
        ("reminded_at", _timestamp(null=True)),
        ("training_class", _fk(TrainingClass)),
        ("kind", _varchar(10, "inhouse", choices=TrainingKind)),
    ],
    ("TrainingSession", "training_session"): [
        ("training", _fk(Training, index=True)),
        ("starts_at", _timestamp()),
        ("ends_at", _timestamp()),
        ("location", _varchar(100)),
        ("secret", _varchar(64, secret=True)),
        ("step", _int(20)),
        ("created_at", _timestamp()),
    ],
    ("TrainingCourse", "training_course"): [
        ("training", _fk(Training, index=True)),
        ("title", _varchar(200)),
        ("speaker", _fk(Person)),
        ("speaker_name", _varchar(50)),
        ("hours", _numeric((6, 2))),
        ("sort_order", _int()),
    ],
    ("Checkin", "checkin"): [
        ("session", _fk(TrainingSession)),
        ("training", _fk(Training, index=True)),
        ("person", _fk(Person, index=True)),
        ("checked_in_at", _timestamp()),
        ("checked_out_at", _timestamp(null=True)),
        ("method", _varchar(10, "scan", choices=CheckinMethod)),
        ("recorded_by", _fk(Account, on_delete=SET_NULL)),
        ("reason", _varchar(200)),
        ("undone_at", _timestamp(null=True)),
    ],
    ("CheckinClaim", "checkin_claim"): [
        ("token_hash", _varchar(64, unique=True)),
        ("session", _fk(TrainingSession)),
        ("created_at", _timestamp()),
        ("expires_at", _timestamp()),
        ("used_at", _timestamp(null=True)),
    ],
    ("CreditRule", "credit_rule"): [
        ("year", _int()),
        ("region", _fk(Region)),
        ("code", _varchar(40)),
        ("name", _varchar(100)),
        ("subtype", _varchar(100)),
        ("credit_class", _varchar(4, choices=CreditClass)),
        ("unit", _varchar(12, choices=RuleUnit)),
        ("unit_size", _numeric((6, 2), 1)),
        ("credits_per_step", _numeric((6, 2))),
        ("author_credits", _varchar(60)),
        ("cap", _numeric((6, 2), null=True)),
        ("daily_limit", _numeric((4, 1), null=True)),
        ("evidence_required", _bool(True)),
        ("guidance", _text()),
        ("active", _bool(True)),
        ("sort", _int()),
        ("updated_at", _timestamp()),
        ("category", _varchar(12, "professional", choices=CreditCategory)),
    ],
    ("Credit", "credit"): [
        ("person", _fk(Person)),
        ("unit", _fk(Unit)),
        ("department", _fk(Department)),
        ("year", _int()),
        ("activity_date", _date()),
        ("credit_class", _varchar(4, choices=CreditClass)),
        ("rule_code", _varchar(40)),
        ("title", _varchar(200)),
        ("credits", _numeric((6, 2))),
        ("hours", _numeric((6, 2))),
        ("source", _varchar(10, choices=CreditSource)),
        ("training", _fk(Training, index=True)),
        ("status", _varchar(14, choices=CreditStatus)),
        ("dedupe_key", _varchar(300, null=True, unique=True)),
        ("reason", _text()),
        ("created_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
        ("effective_at", _timestamp(null=True)),
        ("author_position", _int(null=True)),
        ("organiser", _varchar(100)),
        ("project_no", _varchar(50)),
        ("quantity", _numeric((8, 2), null=True)),
        ("rule", _fk(CreditRule, on_delete=SET_NULL)),
        ("category", _varchar(12, "professional", choices=CreditCategory)),
    ],
    ("CreditEvent", "credit_event"): [
        ("credit", _fk(Credit, index=True)),
        ("at", _timestamp()),
        ("account", _fk(Account, on_delete=SET_NULL)),
        ("from_status", _varchar(14)),
        ("to_status", _varchar(14)),
        ("reason", _text()),
        ("ip", _varchar(64)),
    ],
    ("Evidence", "evidence"): [
        ("credit", _fk(Credit, index=True)),
        ("content_type", _varchar(40)),
        ("size", _int()),
        ("storage_key", _varchar(120)),
        ("thumb_key", _varchar(120)),
        ("filename", _varchar(200)),
        ("sha256", _varchar(64)),
        ("width", _int(null=True)),
        ("height", _int(null=True)),
        ("captured_at", _timestamp(null=True)),
        ("uploaded_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
    ],
    ("Certificate", "certificate"): [
        ("code", _varchar(20, unique=True)),
        ("person", _fk(Person, index=True)),
        ("year", _int()),
        ("issued_at", _timestamp()),
        ("credits_total", _numeric((8, 2))),
        ("snapshot", _text()),
    ],
    ("SmsCode", "sms_code"): [
        ("phone", _varchar(20, index=True)),
        ("purpose", _varchar(20)),
        ("code_hash", _varchar(100, secret=True)),
        ("created_at", _timestamp()),
        ("expires_at", _timestamp()),
        ("attempts", _int()),
        ("used_at", _timestamp(null=True)),
    ],
    ("Registration", "registration"): [
        ("phone", _varchar(20)),
        ("unit", _fk(Unit, index=True)),
        ("department", _fk(Department)),
        ("username", _varchar(50, unique=True)),
        ("name", _varchar(50)),
        ("id_number", _varchar(18, unique=True)),
        ("email", _varchar(100)),
        ("joins_cme", _bool(True)),
        ("standard_id", _int(null=True)),
        ("status", _varchar(10, "pending", index=True, choices=RegistrationStatus)),
        ("reason", _varchar(500)),
        ("account", _fk(Account, unique=True)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
        ("reviewed_by", _fk(Account, on_delete=SET_NULL)),
        ("reviewed_at", _timestamp(null=True)),
    ],
    ("BindingRequest", "binding_request"): [
        ("person", _fk(Person, index=True)),
        ("from_unit", _fk(Unit)),
        ("from_department", _fk(Department)),
        ("unit", _fk(Unit, index=True)),
        ("department", _fk(Department)),
        ("status", _varchar(10, "pending", index=True, choices=RegistrationStatus)),
        ("reason", _varchar(500)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
        ("reviewed_by", _fk(Account, on_delete=SET_NULL)),
        ("reviewed_at", _timestamp(null=True)),
    ],
    ("LoginCaptcha", "login_captcha"): [
        ("key", _varchar(64, unique=True)),
        ("answer_hash", _varchar(100, secret=True)),
        ("created_at", _timestamp()),
        ("expires_at", _timestamp(index=True)),
        ("used_at", _timestamp(null=True)),
        ("ip", _varchar(64, index=True)),
    ],
    ("AdminContact", "admin_contact"): [
        ("account", _fk(Account, index=True)),
        ("name", _varchar(50)),
        ("phone", _varchar(20, unique=True)),
        ("office_phone", _varchar(30)),
        ("created_at", _timestamp()),
    ],
    ("Report", "report"): [
        ("code", _varchar(20, unique=True)),
        ("kind", _varchar(14, choices=ReportKind)),
        ("subject", _varchar(200, index=True)),
        ("title", _varchar(200)),
        ("issued_by", _fk(Account, on_delete=SET_NULL)),
        ("issued_at", _timestamp()),
        ("fingerprint", _varchar(64)),
        ("snapshot", _text()),
    ],
    ("Reminder", "reminder"): [
        ("person", _fk(Person)),
        ("year", _int()),
        ("week", _date()),
        ("sent_at", _timestamp()),
        ("sent_by", _fk(Account, on_delete=SET_NULL)),
        ("text", _text()),
        ("sms", _varchar(10, "no_phone", choices=ReminderSms)),
        ("notice", _fk(Notice, on_delete=SET_NULL)),
    ],
    ("ReminderDigest", "reminder_digest"): [
        ("account", _fk(Account)),
        ("week", _date()),
        ("sent_at", _timestamp()),
        ("notice", _fk(Notice, on_delete=SET_NULL)),
    ],
    ("ReminderSetting", "reminder_setting"): [
        ("region", _fk(Region, unique=True)),
        ("starts_on", _varchar(5, "09-01")),
        ("enabled", _bool(True)),
        ("updated_at", _timestamp()),
        ("updated_by", _fk(Account, on_delete=SET_NULL)),
    ],
    ("CreditTotal", "credit_total"): [
        ("person", _fk(Person)),
        ("year", _int()),
        ("credit_class", _varchar(4)),
        ("category", _varchar(12)),
        ("source", _varchar(10)),
        ("rule_code", _varchar(40)),
        ("records", _int()),
        ("credits", _numeric((10, 2))),
        ("hours", _numeric((10, 2))),
        ("latest_effective_at", _timestamp(null=True)),
    ],
    ("CreditYear", "credit_year"): [
        ("person", _fk(Person)),
        ("year", _int()),
        ("records", _int()),
        ("latest_effective_at", _timestamp(null=True)),
        ("i_public_credits", _numeric((10, 2))),
        ("i_public_hours", _numeric((10, 2))),
        ("i_public_credits_no_hours", _numeric((10, 2))),
        ("i_professional_credits", _numeric((10, 2))),
        ("i_professional_hours", _numeric((10, 2))),
        ("i_professional_credits_no_hours", _numeric((10, 2))),
        ("i_elective_credits", _numeric((10, 2))),
        ("i_elective_hours", _numeric((10, 2))),
        ("i_elective_credits_no_hours", _numeric((10, 2))),
        ("ii_public_credits", _numeric((10, 2))),
        ("ii_public_hours", _numeric((10, 2))),
        ("ii_public_credits_no_hours", _numeric((10, 2))),
        ("ii_professional_credits", _numeric((10, 2))),
        ("ii_professional_hours", _numeric((10, 2))),
        ("ii_professional_credits_no_hours", _numeric((10, 2))),
        ("ii_elective_credits", _numeric((10, 2))),
        ("ii_elective_hours", _numeric((10, 2))),
        ("ii_elective_credits_no_hours", _numeric((10, 2))),
        ("src_attendance_i_credits", _numeric((10, 2))),
        ("src_attendance_i_hours", _numeric((10, 2))),
        ("src_attendance_ii_credits", _numeric((10, 2))),
        ("src_attendance_ii_hours", _numeric((10, 2))),
        ("src_speaker_i_credits", _numeric((10, 2))),
        ("src_speaker_i_hours", _numeric((10, 2))),
        ("src_speaker_ii_credits", _numeric((10, 2))),
        ("src_speaker_ii_hours", _numeric((10, 2))),
        ("src_personal_i_credits", _numeric((10, 2))),
        ("src_personal_i_hours", _numeric((10, 2))),
        ("src_personal_ii_credits", _numeric((10, 2))),
        ("src_personal_ii_hours", _numeric((10, 2))),
        ("src_project_i_credits", _numeric((10, 2))),
        ("src_project_i_hours", _numeric((10, 2))),
        ("src_project_ii_credits", _numeric((10, 2))),
        ("src_project_ii_hours", _numeric((10, 2))),
        ("src_class_i_credits", _numeric((10, 2))),
        ("src_class_i_hours", _numeric((10, 2))),
        ("src_class_ii_credits", _numeric((10, 2))),
        ("src_class_ii_hours", _numeric((10, 2))),
        ("src_course_i_credits", _numeric((10, 2))),
        ("src_course_i_hours", _numeric((10, 2))),
        ("src_course_ii_credits", _numeric((10, 2))),
        ("src_course_ii_hours", _numeric((10, 2))),
        ("src_import_i_credits", _numeric((10, 2))),
        ("src_import_i_hours", _numeric((10, 2))),
        ("src_import_ii_credits", _numeric((10, 2))),
        ("src_import_ii_hours", _numeric((10, 2))),
    ],
    ("Standard", "standard"): [
        ("year", _int(index=True)),
        ("region_code", _varchar(6, null=True)),
        ("name", _varchar(100)),
        ("scheme", _varchar(5, "cme", choices=StandardScheme)),
        ("title_levels", _varchar(100)),
        ("unit_levels", _varchar(100)),
        ("requirements", _text("[]")),
        ("caps", _text("[]")),
        ("certificate_requires_pass", _bool(False)),
        ("auto_apply", _bool(True)),
        ("note", _text()),
        ("created_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
        ("retired_at", _timestamp(null=True)),
    ],
    ("PersonStandard", "person_standard"): [
        ("person", _fk(Person)),
        ("year", _int()),
        ("scheme", _varchar(5, choices=StandardScheme)),
        ("standard", _fk(Standard)),
        ("created_at", _timestamp()),
    ],
    ("DisplayLink", "display_link"): [
        ("session", _fk(TrainingSession, index=True)),
        ("token_hash", _varchar(64, unique=True)),
        ("phase", _varchar(10, "checkin", choices=QrPhase)),
        ("created_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
        ("ended_at", _timestamp(null=True)),
    ],
    ("Notice", "notice"): [
        ("account", _fk(Account, index=True)),
        ("kind", _varchar(20, choices=NoticeKind)),
        ("credit", _fk(Credit)),
        ("training", _fk(Training)),
        ("title", _varchar(200)),
        ("detail", _varchar(500)),
        ("created_at", _timestamp()),
        ("read_at", _timestamp(null=True)),
        ("sms_phone", _varchar(20)),
        ("sms_sent_at", _timestamp(null=True)),
    ],
    # throttle: made in SQL by jijiao_0101
    ("ArchiveItem", "archive_item"): [
        ("person", _fk(Person, index=True)),
        ("section", _varchar(12, choices=ArchiveSection)),
        ("data", _text("{}")),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
    ],
    ("ArchiveChange", "archive_change"): [
        ("person", _fk(Person, index=True)),
        ("unit", _fk(Unit, index=True)),
        ("section", _varchar(12, choices=ArchiveSection)),
        ("action", _varchar(8, choices=ArchiveAction)),
        ("item", _fk(ArchiveItem, on_delete=SET_NULL)),
        ("before_data", _text()),
        ("after_data", _text()),
        ("status", _varchar(10, "pending", index=True, choices=ArchiveChangeStatus)),
        ("pending_key", _varchar(40, null=True, unique=True)),
        ("reason", _text()),
        ("created_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
        ("reviewed_by", _fk(Account, on_delete=SET_NULL)),
        ("reviewed_at", _timestamp(null=True)),
    ],
    ("HistoryCertificate", "history_certificate"): [
        ("person", _fk(Person, index=True)),
        ("year", _int()),
        ("cert_no", _varchar(50)),
        ("issued_on", _date()),
        ("credits", _numeric((8, 2))),
        ("hours", _numeric((8, 2))),
        ("issuer", _varchar(100)),
        ("dedupe_key", _varchar(80, unique=True)),
        ("created_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
    ],
    ("Provider", "provider"): [
        ("name", _varchar(100, unique=True)),
        ("region", _fk(Region)),
        ("region_code", _varchar(6, index=True)),
        ("contact", _varchar(50)),
        ("phone", _varchar(30)),
        ("active", _bool(True)),
        ("created_at", _timestamp()),
    ],
    ("TrainingClass", "training_class"): [
        ("provider", _fk(Provider, index=True)),
        ("title", _varchar(200)),
        ("year", _int(index=True)),
        ("category", _varchar(12, "professional", choices=CreditCategory)),
        ("hours", _numeric((6, 2))),
        ("starts_on", _date()),
        ("ends_on", _date()),
        ("online", _bool(False)),
        ("place", _varchar(200)),
        ("capacity", _int()),
        ("seats_taken", _int()),
        ("description", _text()),
        ("status", _varchar(10, "draft", index=True, choices=ClassStatus)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
    ],
    ("Enrolment", "enrolment"): [
        ("training_class", _fk(TrainingClass)),
        ("person", _fk(Person, index=True)),
        ("unit", _fk(Unit)),
        ("department", _fk(Department)),
        ("status", _varchar(10, "pending", index=True, choices=EnrolmentStatus)),
        ("reason", _text()),
        ("hours", _numeric((6, 2), null=True)),
        ("credit", _fk(Credit, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
        ("decided_by", _fk(Account, on_delete=SET_NULL)),
    ],
    ("Course", "course"): [
        ("provider", _fk(Provider, index=True)),
        ("title", _varchar(200)),
        ("description", _text()),
        ("hours", _numeric((6, 2))),
        ("pass_mark", _int(60)),
        ("max_attempts", _int(3)),
        ("time_limit_minutes", _int(30)),
        ("status", _varchar(10, "draft", index=True, choices=CourseStatus)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
    ],
    ("Lesson", "lesson"): [
        ("course", _fk(Course, index=True)),
        ("title", _varchar(200)),
        ("kind", _varchar(10, "text", choices=LessonKind)),
        ("body", _text()),
        ("video_url", _varchar(500)),
        ("media_key", _varchar(120)),
        ("media_type", _varchar(40)),
        ("media_size", _bigint()),
        ("duration_seconds", _int()),
        ("sort_order", _int()),
    ],
    ("LessonProgress", "lesson_progress"): [
        ("person", _fk(Person)),
        ("lesson", _fk(Lesson)),
        ("course", _fk(Course)),
        ("opened_at", _timestamp()),
        ("completed_at", _timestamp(null=True)),
    ],
    ("Question", "question"): [
        ("course", _fk(Course, index=True)),
        ("kind", _varchar(10, "single", choices=QuestionKind)),
        ("text", _text()),
        ("options", _text()),
        ("answer", _text(secret=True)),
        ("sort_order", _int()),
    ],
    ("ExamAttempt", "exam_attempt"): [
        ("person", _fk(Person)),
        ("course", _fk(Course)),
        ("started_at", _timestamp()),
        ("deadline", _timestamp()),
        ("paper", _text()),
        ("submitted_at", _timestamp(null=True)),
        ("expired", _bool(False)),
        ("year", _int(null=True)),
        ("score", _int(null=True)),
        ("passed", _bool(False)),
        ("answers", _text()),
        ("credit", _fk(Credit, on_delete=SET_NULL)),
        ("hours", _numeric((6, 2), null=True)),
    ],
    ("Dishonesty", "dishonesty"): [
        ("person", _fk(Person, index=True)),
        ("reason", _text()),
        ("starts_on", _date()),
        ("ends_on", _date()),
        ("authority", _varchar(100)),
        ("recorded_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
        ("withdrawn_at", _timestamp(null=True)),
        ("withdrawn_reason", _text()),
    ],
    ("DishonestyCredit", "dishonesty_credit"): [
        ("dishonesty", _fk(Dishonesty, index=True)),
        ("credit", _fk(Credit)),
    ],
    ("Project", "project"): [
        ("department", _fk(Department, index=True)),
        ("unit", _fk(Unit, index=True)),
        ("region_code", _varchar(6, index=True)),
        ("year", _int(index=True)),
        ("title", _varchar(200)),
        ("level", _varchar(12, choices=ProjectLevel)),
        ("credits", _numeric((6, 2))),
        ("hours", _numeric((6, 2))),
        ("starts_on", _date()),
        ("ends_on", _date()),
        ("location", _varchar(100)),
        ("leader", _varchar(50)),
        ("discipline", _varchar(50)),
        ("subdiscipline", _varchar(50)),
        ("format", _varchar(20, "面授")),
        ("audience", _text()),
        ("intake", _int()),
        ("budget_note", _text()),
        ("status", _varchar(16, "draft", index=True, choices=ProjectStatus)),
        ("project_no", _varchar(30, null=True, unique=True)),
        ("review_reason", _text()),
        ("delegated_department", _fk(Department, on_delete=SET_NULL, index=True)),
        ("training", _fk(Training, on_delete=SET_NULL, unique=True)),
        ("prep_status", _varchar(12, "open", choices=PrepStatus)),
        ("prep_reason", _text()),
        ("created_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
        ("updated_at", _timestamp()),
        ("published_at", _timestamp(null=True)),
    ],
    ("ProjectCourse", "project_course"): [
        ("project", _fk(Project, index=True)),
        ("title", _varchar(200)),
        ("speaker", _fk(Person, on_delete=SET_NULL)),
        ("speaker_name", _varchar(50)),
        ("speaker_title", _varchar(50)),
        ("speaker_unit", _varchar(100)),
        ("hours", _numeric((6, 2))),
        ("sort_order", _int()),
    ],
    ("ProjectEvent", "project_event"): [
        ("project", _fk(Project, index=True)),
        ("at", _timestamp()),
        ("account", _fk(Account, on_delete=SET_NULL)),
        ("action", _varchar(20)),
        ("from_status", _varchar(16)),
        ("to_status", _varchar(16)),
        ("reason", _text()),
        ("ip", _varchar(64)),
    ],
    ("ProjectFile", "project_file"): [
        ("project", _fk(Project, index=True)),
        ("kind", _varchar(12, choices=ProjectFileKind)),
        ("content_type", _varchar(40)),
        ("size", _int()),
        ("storage_key", _varchar(120)),
        ("thumb_key", _varchar(120)),
        ("filename", _varchar(200)),
        ("sha256", _varchar(64)),
        ("uploaded_by", _fk(Account, on_delete=SET_NULL)),
        ("created_at", _timestamp()),
    ],
    ("ProjectCounter", "project_counter"): [
        ("prefix", _varchar(20, unique=True)),
        ("last", _int()),
    ],
}

_COMMON = {"null": False, "primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree,
           "choices": None, "db_column_name": None, "secret": False}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)
    for class_name, tablename in _TABLES:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
    for (class_name, tablename), columns in _TABLES.items():
        for name, (column_class, params) in columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=name, db_column_name=name,
                column_class_name=column_class.__name__, column_class=column_class,
                params={**_COMMON, **params}, schema=None)
    return manager
