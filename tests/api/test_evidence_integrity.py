"""Proof that stays proof (issue 9 §4): no approval without it, no deleting the last one,
drafts private to their author, files never cached and ids never reused."""

from __future__ import annotations

from tests.api.test_evidence import PDF, jpeg, new_credit, upload


def _approve(client, headers, credit_id):
    return client.post(f"/api/credits/{credit_id}/approve", headers=headers)


def test_a_record_submitted_without_proof_is_not_approved(client, as_user):
    trainee, dept = as_user("trainee1"), as_user("dept1")
    credit_id = new_credit(client, trainee, draft=False)  # paper_core requires proof
    response = _approve(client, dept, credit_id)
    assert response.status_code == 409
    assert response.json()["code"] == "evidence_missing"
    assert client.get(f"/api/credits/{credit_id}", headers=trainee).json()["status"] == "pending_dept"


def test_with_proof_both_levels_approve(client, as_user):
    trainee, dept, unit = as_user("trainee1"), as_user("dept1"), as_user("unit1")
    credit_id = new_credit(client, trainee, draft=False)
    upload(client, trainee, credit_id, PDF, "proof.pdf")
    assert _approve(client, dept, credit_id).json()["status"] == "pending_unit"
    assert _approve(client, unit, credit_id).json()["status"] == "effective"


def test_the_last_file_of_a_submitted_record_cannot_be_deleted(client, as_user):
    trainee, dept = as_user("trainee1"), as_user("dept1")
    credit_id = new_credit(client, trainee, draft=False)
    evidence_id = upload(client, trainee, credit_id, PDF, "proof.pdf").json()["id"]
    for who in (trainee, dept):
        response = client.delete(f"/api/evidence/{evidence_id}", headers=who)
        assert response.status_code == 409
        assert response.json()["code"] == "evidence_required"
    assert client.get(f"/api/evidence/{evidence_id}", headers=trainee).status_code == 200


def test_a_drafts_last_file_can_be_deleted(client, as_user):
    trainee = as_user("trainee1")
    credit_id = new_credit(client, trainee)  # draft
    evidence_id = upload(client, trainee, credit_id, PDF, "proof.pdf").json()["id"]
    assert client.delete(f"/api/evidence/{evidence_id}", headers=trainee).status_code == 204


def test_reviewers_get_404_for_a_trainees_draft(client, as_user):
    trainee, dept = as_user("trainee1"), as_user("dept1")
    credit_id = new_credit(client, trainee)  # draft
    evidence_id = upload(client, trainee, credit_id, PDF, "proof.pdf").json()["id"]
    answers = [
        client.get(f"/api/credits/{credit_id}", headers=dept),
        client.put(f"/api/credits/{credit_id}", headers=dept, json={"title": "改名", "reason": "核对"}),
        client.request("DELETE", f"/api/credits/{credit_id}", headers=dept, json={"reason": "核对"}),
        client.post(f"/api/credits/{credit_id}/approve", headers=dept),
        client.get(f"/api/evidence/{evidence_id}", headers=dept),
        client.delete(f"/api/evidence/{evidence_id}", headers=dept),
    ]
    assert [a.status_code for a in answers] == [404] * 6
    assert client.get(f"/api/credits/{credit_id}", headers=trainee).json()["status"] == "draft"


def test_evidence_is_never_cached(client, as_user):
    trainee = as_user("trainee1")
    credit_id = new_credit(client, trainee)
    evidence_id = upload(client, trainee, credit_id, jpeg()).json()["id"]
    for url in (f"/api/evidence/{evidence_id}", f"/api/evidence/{evidence_id}/thumb"):
        assert client.get(url, headers=trainee).headers["cache-control"] == "no-store"


def test_a_deleted_files_id_is_never_given_to_the_next_upload(client, as_user):
    trainee = as_user("trainee1")
    credit_id = new_credit(client, trainee)
    upload(client, trainee, credit_id, PDF, "a.pdf")
    last = upload(client, trainee, credit_id, PDF, "b.pdf").json()["id"]
    assert client.delete(f"/api/evidence/{last}", headers=trainee).status_code == 204
    assert upload(client, trainee, credit_id, PDF, "c.pdf").json()["id"] > last
