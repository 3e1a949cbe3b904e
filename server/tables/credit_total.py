"""Per person-year totals of effective credit records, for statistics at province scale."""

from decimal import Decimal

from piccolo.columns import ForeignKey, Integer, Numeric, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from server.tables.person import Person


class CreditTotal(Table, tablename="credit_total"):
    """The effective records of one person and year (by activity date), summed by every key a
    standard's requirement or cap can match: class, category, source and catalogue rule.

    Kept in the same transaction as every change of a record into or out of
    ``effective`` (``services/totals.py``); a unique (year, person, class,
    category, source, rule_code) index serves the upserts and the year scans.
    """

    person = ForeignKey(Person, on_delete=OnDelete.cascade)
    year = Integer()
    credit_class = Varchar(length=4)
    category = Varchar(length=12)
    source = Varchar(length=10)
    rule_code = Varchar(length=40, default="")
    records = Integer(default=0)
    credits = Numeric(digits=(10, 2), default=Decimal("0"))
    hours = Numeric(digits=(10, 2), default=Decimal("0"))
    # The latest effective_at among them: a person whose records are not all in
    # force yet (次日生效) is judged from the records instead.
    latest_effective_at = Timestamptz(null=True, default=None)


CLASSES = ("I", "II")
CATEGORIES = ("public", "professional", "elective")
# The sources with columns of their own: a cap on one of them (院内活动 ≤ 10) reads the wide row.
SOURCES = ("attendance", "speaker", "personal", "project", "class", "course", "import")


class CreditYear(Table, tablename="credit_year"):
    """One row per person and year: the effective records' credits and hours by class × category.

    What every requirement line, every cap without a source or rule and every
    cap on a source alone reads: the statistics scan one row per person instead
    of grouping the keyed totals (100,000 rows rather than some 480,000 for a
    province's year). ``<class>_<category>_credits_no_hours`` are the credits
    of records without hours, which a scheme counting hours leaves out;
    ``src_<source>_<class>_<measure>`` the credits and hours by source and class.
    Kept beside ``CreditTotal`` by the same writes; unique (year, person).
    """

    person = ForeignKey(Person, on_delete=OnDelete.cascade)
    year = Integer()
    records = Integer(default=0)
    latest_effective_at = Timestamptz(null=True, default=None)
    i_public_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    i_public_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    i_public_credits_no_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    i_professional_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    i_professional_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    i_professional_credits_no_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    i_elective_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    i_elective_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    i_elective_credits_no_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    ii_public_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    ii_public_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    ii_public_credits_no_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    ii_professional_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    ii_professional_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    ii_professional_credits_no_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    ii_elective_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    ii_elective_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    ii_elective_credits_no_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_attendance_i_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_attendance_i_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_attendance_ii_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_attendance_ii_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_speaker_i_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_speaker_i_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_speaker_ii_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_speaker_ii_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_personal_i_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_personal_i_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_personal_ii_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_personal_ii_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_project_i_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_project_i_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_project_ii_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_project_ii_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_class_i_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_class_i_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_class_ii_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_class_ii_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_course_i_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_course_i_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_course_ii_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_course_ii_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_import_i_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_import_i_hours = Numeric(digits=(10, 2), default=Decimal("0"))
    src_import_ii_credits = Numeric(digits=(10, 2), default=Decimal("0"))
    src_import_ii_hours = Numeric(digits=(10, 2), default=Decimal("0"))
