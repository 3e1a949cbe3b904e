"""Who may change a credit record in which state: entries.may_change, one table of cases.

The same rule answers the API (load_for_change: 403 / 409) and the page's 修改 button
(editable), so the button is offered exactly when the change would be taken.
"""

from __future__ import annotations

import pytest

from server.services.entries import may_change
from server.services.principal import Grant, Principal
from server.tables.enums import Role

OWNER, OTHER, DEPT, UNIT, OTHER_DEPT, OTHER_UNIT = 10, 11, 3, 1, 4, 2


def _principal(*grants: Grant, person_id: int | None = None) -> Principal:
    return Principal(account_id=1, username="u", name="n", person_id=person_id, must_change_password=False,
                     grants=grants)


TRAINEE = _principal(Grant(Role.trainee, None, ""), person_id=OWNER)
DEPT_ADMIN = _principal(Grant(Role.dept_admin, DEPT, "内科", department_id=DEPT, unit_id=UNIT))
UNIT_ADMIN = _principal(Grant(Role.unit_admin, UNIT, "医院", unit_id=UNIT))
REGION_ADMIN = _principal(Grant(Role.region_admin, 9, "省", region_id=9))


@pytest.mark.parametrize("who, person, department, unit, source, status, resubmitting, verdict", [
    # The owner, a personal entry: while a draft, waiting for the department, or returned.
    (TRAINEE, OWNER, DEPT, UNIT, "personal", "draft", False, "ok"),
    (TRAINEE, OWNER, DEPT, UNIT, "personal", "pending_dept", False, "ok"),
    (TRAINEE, OWNER, DEPT, UNIT, "personal", "returned", False, "ok"),
    (TRAINEE, OWNER, DEPT, UNIT, "personal", "pending_unit", False, "wrong_state"),
    (TRAINEE, OWNER, DEPT, UNIT, "personal", "effective", False, "wrong_state"),
    (TRAINEE, OWNER, DEPT, UNIT, "personal", "rejected", False, "wrong_state"),
    # A check-in's record is never edited by its owner, only sent back once returned.
    (TRAINEE, OWNER, DEPT, UNIT, "attendance", "pending_dept", False, "not_yours"),
    (TRAINEE, OWNER, DEPT, UNIT, "attendance", "returned", True, "ok"),
    (TRAINEE, OWNER, DEPT, UNIT, "attendance", "pending_dept", True, "wrong_state"),
    # Someone else's record, whatever its state.
    (TRAINEE, OTHER, DEPT, UNIT, "personal", "draft", False, "not_yours"),
    (TRAINEE, OTHER, DEPT, UNIT, "attendance", "returned", True, "not_yours"),
    # Reviewers of its department or unit: until it is effective (or dead).
    (DEPT_ADMIN, OWNER, DEPT, UNIT, "attendance", "pending_dept", False, "ok"),
    (DEPT_ADMIN, OWNER, DEPT, UNIT, "personal", "pending_unit", False, "ok"),
    (DEPT_ADMIN, OWNER, DEPT, UNIT, "attendance", "effective", False, "wrong_state"),
    (DEPT_ADMIN, OWNER, OTHER_DEPT, UNIT, "attendance", "pending_dept", False, "not_yours"),
    (UNIT_ADMIN, OWNER, OTHER_DEPT, UNIT, "attendance", "pending_unit", False, "ok"),
    (UNIT_ADMIN, OWNER, DEPT, UNIT, "personal", "revoked", False, "wrong_state"),
    (UNIT_ADMIN, OWNER, DEPT, OTHER_UNIT, "personal", "pending_unit", False, "not_yours"),
    # A region admin oversees but never changes records.
    (REGION_ADMIN, OWNER, DEPT, UNIT, "personal", "pending_dept", False, "not_yours"),
])
def test_may_change(who, person, department, unit, source, status, resubmitting, verdict):
    assert may_change(who, person_id=person, department_id=department, unit_id=unit, source=source,
                      status=status, resubmitting=resubmitting) == verdict
