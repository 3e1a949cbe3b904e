"""Piccolo tables, one module per aggregate."""

from server.tables.account import Account, AdminContact, LoginCaptcha, LoginSession, RoleGrant
from server.tables.archive import ArchiveChange, ArchiveItem
from server.tables.audit import AuditLog
from server.tables.binding import BindingRequest
from server.tables.course import Course, ExamAttempt, Lesson, LessonProgress, Question
from server.tables.credit import Certificate, Credit, CreditEvent
from server.tables.credit_total import CreditTotal, CreditYear
from server.tables.dishonesty import Dishonesty, DishonestyCredit
from server.tables.enrolment import Enrolment
from server.tables.evidence import Evidence
from server.tables.history import HistoryCertificate
from server.tables.notice import Notice
from server.tables.organisation import Department, Region, Unit
from server.tables.person import Person, PersonYear
from server.tables.provider import Provider, TrainingClass
from server.tables.project import Project, ProjectCounter, ProjectCourse, ProjectEvent, ProjectFile
from server.tables.registration import Registration, SmsCode
from server.tables.reminder import Reminder, ReminderDigest, ReminderSetting
from server.tables.report import Report
from server.tables.rule import CreditRule
from server.tables.standard import PersonStandard, Standard
from server.tables.throttle import Throttle
from server.tables.training import Checkin, CheckinClaim, DisplayLink, Training, TrainingCourse, TrainingSession

ALL_TABLES = (
    Region,
    Unit,
    Department,
    Person,
    PersonYear,
    Account,
    RoleGrant,
    LoginSession,
    AuditLog,
    Training,
    TrainingSession,
    TrainingCourse,
    Checkin,
    CheckinClaim,
    CreditRule,
    Credit,
    CreditEvent,
    Evidence,
    Certificate,
    SmsCode,
    Registration,
    BindingRequest,
    LoginCaptcha,
    AdminContact,
    Report,
    Reminder,
    ReminderDigest,
    ReminderSetting,
    CreditTotal,
    CreditYear,
    Standard,
    PersonStandard,
    DisplayLink,
    Notice,
    Throttle,
    ArchiveItem,
    ArchiveChange,
    HistoryCertificate,
    Provider,
    TrainingClass,
    Enrolment,
    Course,
    Lesson,
    LessonProgress,
    Question,
    ExamAttempt,
    Dishonesty,
    DishonestyCredit,
    Project,
    ProjectCourse,
    ProjectEvent,
    ProjectFile,
    ProjectCounter,
)

__all__ = [t.__name__ for t in ALL_TABLES] + ["ALL_TABLES"]
