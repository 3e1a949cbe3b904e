"""Choices stored in varchar columns; values are what the API speaks."""

from enum import Enum


class RegionLevel(str, Enum):
    province = "province"
    city = "city"
    district = "district"


class UnitLevel(str, Enum):
    """Unit level used by compliance standards (seed 001 单位级别)."""

    provincial = "省直"
    city = "市直属"
    county = "区县"
    association = "学协会"
    other = "其他"


class Sex(str, Enum):
    male = "男"
    female = "女"


class TitleLevel(str, Enum):
    senior = "正高"
    associate = "副高"
    intermediate = "中级"
    junior = "初级"
    none = "无"


class Staffing(str, Enum):
    on_staff = "在编"
    off_staff = "编外"


class PersonStatus(str, Enum):
    active = "正常"
    transferred = "调出"
    retired = "退休"
    resigned = "离职"
    suspended = "停用"


class Role(str, Enum):
    trainee = "trainee"
    organiser = "organiser"
    dept_admin = "dept_admin"
    unit_admin = "unit_admin"
    provider_admin = "provider_admin"
    region_admin = "region_admin"


class AccountStatus(str, Enum):
    active = "active"
    pending = "pending"
    rejected = "rejected"
    disabled = "disabled"


class CreditClass(str, Enum):
    class_i = "I"
    class_ii = "II"


class CreditCategory(str, Enum):
    """公需 / 专业 / 选修: the subject kinds the hours-based schemes count apart (人社部令第25号)."""

    public = "public"
    professional = "professional"
    elective = "elective"


class StandardScheme(str, Enum):
    """cme: credits (学分) by class; hours: 学时 by category (人社部令第25号, Guangdong)."""

    cme = "cme"
    hours = "hours"


class TrainingStatus(str, Enum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    closed = "closed"


class TrainingKind(str, Enum):
    """What a training row runs: an in-house training, or a delegated CME project's attendance."""

    inhouse = "inhouse"
    project = "project"


class ProjectLevel(str, Enum):
    """继续医学教育项目级别 that a department may apply for (seed 001 §3.1: 省级/地市级)."""

    provincial = "provincial"
    city = "city"


class ProjectStatus(str, Enum):
    draft = "draft"
    submitted = "submitted"  # waiting for the unit
    pending_region = "pending_region"  # the unit approved; waiting for the health commission
    published = "published"  # 立项: approved by the commission and numbered
    returned = "returned"  # sent back to the department to correct and resubmit
    rejected = "rejected"  # refused, final


class PrepStatus(str, Enum):
    """The delegated department's pre-event information (举办前) and the unit's check of it."""

    open = "open"
    submitted = "submitted"
    checked = "checked"
    returned = "returned"


class ProjectFileKind(str, Enum):
    attachment = "attachment"  # 申报附件
    notice = "notice"  # 举办通知


class CreditStatus(str, Enum):
    draft = "draft"
    pending_dept = "pending_dept"
    pending_unit = "pending_unit"
    effective = "effective"
    returned = "returned"
    rejected = "rejected"
    revoked = "revoked"


class CreditSource(str, Enum):
    attendance = "attendance"
    speaker = "speaker"
    personal = "personal"
    project = "project"
    training_class = "class"
    course = "course"
    imported = "import"


class CheckinMethod(str, Enum):
    scan = "scan"
    claim = "claim"
    manual = "manual"
    reverse = "reverse"


class RegistrationStatus(str, Enum):
    pending = "pending"
    rejected = "rejected"
    approved = "approved"


class SmsPurpose(str, Enum):
    register = "register"
    reset_password = "reset_password"
    find_username = "find_username"
    login = "login"


class RuleUnit(str, Enum):
    """What a catalogue rule counts (seed 001 §5.2: 每N小时 / 每N天 / 每1次 / 作者位次)."""

    hour = "hour"
    day = "day"
    time = "time"
    authorship = "authorship"


class ReportKind(str, Enum):
    """What a printed, verifiable report is (seed 000 §6.4, 001 §9.1, §9.2)."""

    proof = "proof"  # 学分证明: one person, one period, one class or both
    verification = "verification"  # 多年度学分验证表: people × at most five years
    register = "register"  # 学分登记表: a department's year


class ReminderSms(str, Enum):
    """What a reminder's text message came to: queued with its notice (sent once answered), sent
    straight away (a person with no account has no notice), failed, or no phone to send it to."""

    queued = "queued"
    sent = "sent"
    failed = "failed"
    no_phone = "no_phone"


class QrPhase(str, Enum):
    """What a session's QR does: check in, or check out (签退)."""

    checkin = "checkin"
    checkout = "checkout"


class NoticeKind(str, Enum):
    """Things a user must not miss, shown on their home screen until read."""

    credit_returned = "credit_returned"
    credit_rejected = "credit_rejected"
    training_reminder = "training_reminder"
    # Not passing the year yet (statistics' at-risk list, `jijiao remind`), and an admin's weekly digest.
    compliance_reminder = "compliance_reminder"
    compliance_digest = "compliance_digest"


class ClassStatus(str, Enum):
    """A provider's training class (seed 004 §4): 接受报名 / 停止报名."""

    draft = "draft"
    accepting = "accepting"
    closed = "closed"


class EnrolmentStatus(str, Enum):
    """已报名待确认 → 报名成功 → 已获得学时; or refused by the provider / withdrawn by the trainee."""

    pending = "pending"
    enrolled = "enrolled"
    completed = "completed"
    refused = "refused"
    cancelled = "cancelled"


class CourseStatus(str, Enum):
    draft = "draft"
    published = "published"
    closed = "closed"


class LessonKind(str, Enum):
    text = "text"
    video = "video"


class QuestionKind(str, Enum):
    single = "single"
    multiple = "multiple"
