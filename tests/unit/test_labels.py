"""One table of Chinese labels: the server's (CSV, PDF, messages) and the PWA's say the same words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server import compliance, labels
from server.tables.enums import (CheckinMethod, ClassStatus, CourseStatus, CreditCategory, CreditClass, CreditSource,
                                 CreditStatus, EnrolmentStatus, PrepStatus, ProjectLevel, ProjectStatus, TrainingStatus)

LABELS_JS = (Path(__file__).resolve().parents[2] / "pwa" / "js" / "labels.js").read_text(encoding="utf-8")


def _js_table(name: str) -> dict[str, str]:
    body = re.search(r"export const " + name + r" = \{(.*?)\};", LABELS_JS, re.S)
    assert body, f"{name} not in labels.js"
    table = {}
    for spread in re.findall(r"^\s*\.\.\.(\w+),?$", body.group(1), re.M):
        table.update(_js_table(spread))
    table.update(re.findall(r"^\s*'?(\w+)'?: '([^']*)',?$", body.group(1), re.M))
    return table


@pytest.mark.parametrize("name", ["CREDIT_STATUS", "CREDIT_SOURCE", "CREDIT_CLASS", "CHECKIN_METHOD", "CREDIT_CATEGORY",
                                  "CLASS_STATUS", "ENROLMENT_STATUS", "COURSE_STATUS", "TRAINING_STATUS",
                                  "PROJECT_STATUS", "PROJECT_LEVEL", "PREP_STATUS", "LINE_CATEGORY", "MEASURE",
                                  "STANDARD_SCHEME", "EXCLUSION_REASON"])
def test_the_pwa_and_the_server_say_the_same_words(name):
    assert _js_table(name) == dict(getattr(labels, name))


@pytest.mark.parametrize("table, enum", [(labels.CREDIT_STATUS, CreditStatus), (labels.CREDIT_SOURCE, CreditSource),
                                         (labels.CREDIT_CLASS, CreditClass), (labels.CHECKIN_METHOD, CheckinMethod),
                                         (labels.CREDIT_CATEGORY, CreditCategory), (labels.CLASS_STATUS, ClassStatus),
                                         (labels.ENROLMENT_STATUS, EnrolmentStatus),
                                         (labels.COURSE_STATUS, CourseStatus),
                                         (labels.TRAINING_STATUS, TrainingStatus),
                                         (labels.PROJECT_STATUS, ProjectStatus), (labels.PROJECT_LEVEL, ProjectLevel),
                                         (labels.PREP_STATUS, PrepStatus)])
def test_every_code_the_api_speaks_has_a_word(table, enum):
    assert set(table) == {member.value for member in enum}


def test_an_unknown_code_shows_as_it_is_and_nothing_as_empty():
    assert labels.label(labels.CREDIT_STATUS, "rejected") == "审核不通过"
    assert labels.label(labels.CREDIT_STATUS, "someday") == "someday"
    assert labels.label(labels.CREDIT_STATUS, None) == ""


@pytest.mark.parametrize("table, codes", [(labels.LINE_CATEGORY, compliance.CATEGORIES),
                                          (labels.MEASURE, compliance.MEASURES),
                                          (labels.STANDARD_SCHEME, compliance.SCHEMES),
                                          (labels.EXCLUSION_REASON, compliance.EXCLUSION_REASONS)])
def test_every_compliance_code_has_a_word(table, codes):
    assert set(table) == set(codes)
