"""CME projects (继续医学教育项目, seed 001 §3): application, approval, publication, delegation."""

from piccolo.columns import Date, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.enums import PrepStatus, ProjectFileKind, ProjectLevel, ProjectStatus
from server.tables.organisation import Department, Unit
from server.tables.person import Person
from server.tables.training import Training


class Project(Table):
    """A department's application; once published (立项) it has a number and may be delegated."""

    department = ForeignKey(Department, index=True)  # the applying department
    # Denormalised from the department: the unit's queue and the province's
    # published list (region_code LIKE '99%') need no join.
    unit = ForeignKey(Unit, index=True)
    region_code = Varchar(length=6, index=True)
    year = Integer(index=True)
    title = Varchar(length=200)
    level = Varchar(length=12, choices=ProjectLevel)
    credits = Numeric(digits=(6, 2))  # 拟授学分 as applied
    hours = Numeric(digits=(6, 2))
    starts_on = Date()
    ends_on = Date()
    location = Varchar(length=100)
    leader = Varchar(length=50)  # 项目负责人
    discipline = Varchar(length=50, default="")  # 二级学科
    subdiscipline = Varchar(length=50, default="")  # 三级学科
    format = Varchar(length=20, default="面授")  # 举办方式
    audience = Text(default="")  # 教学对象
    intake = Integer(default=0)  # 拟招生人数
    budget_note = Text(default="")  # 经费说明
    status = Varchar(length=16, choices=ProjectStatus, default=ProjectStatus.draft, index=True)
    # Assigned once, on publication: "2026-P99-0001" (year, level, approving region, sequence).
    project_no = Varchar(length=30, null=True, default=None, unique=True)
    review_reason = Text(default="")
    # 代办: the department of the unit that runs it, through its training row.
    delegated_department = ForeignKey(Department, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    training = ForeignKey(Training, null=True, default=None, unique=True, on_delete=OnDelete.set_null)
    prep_status = Varchar(length=12, choices=PrepStatus, default=PrepStatus.open)
    prep_reason = Text(default="")
    created_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    published_at = Timestamptz(null=True, default=None)


class ProjectCourse(Table, tablename="project_course"):
    """One line of the course schedule (课程安排): what is taught, by whom, how long."""

    project = ForeignKey(Project, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    speaker = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    speaker_name = Varchar(length=50)
    speaker_title = Varchar(length=50, default="")  # 职称
    speaker_unit = Varchar(length=100, default="")  # 工作单位
    hours = Numeric(digits=(6, 2))
    sort_order = Integer(default=0)


class ProjectEvent(Table, tablename="project_event"):
    """Every step of a project: who, when, what, from which state to which, why, from where."""

    project = ForeignKey(Project, on_delete=OnDelete.cascade, index=True)
    at = Timestamptz(default=TimestamptzNow())
    account = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    action = Varchar(length=20)
    from_status = Varchar(length=16, default="")
    to_status = Varchar(length=16, default="")
    reason = Text(default="")
    ip = Varchar(length=64, default="")


class ProjectFile(Table, tablename="project_file"):
    """An application attachment or the 举办通知; the bytes live in the media store."""

    project = ForeignKey(Project, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=12, choices=ProjectFileKind)
    content_type = Varchar(length=40)
    size = Integer()
    storage_key = Varchar(length=120)
    thumb_key = Varchar(length=120, default="")
    filename = Varchar(length=200, default="")
    sha256 = Varchar(length=64)
    uploaded_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class ProjectCounter(Table, tablename="project_counter"):
    """The last number given per prefix ("2026-P99"): bumped by one conditional UPDATE."""

    prefix = Varchar(length=20, unique=True)
    last = Integer(default=0)
