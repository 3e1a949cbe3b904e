from server.services.passwords import hash_password, password_problem, verify_password


def test_hash_verifies():
    assert verify_password("Secret123", hash_password("Secret123"))


def test_wrong_password_fails():
    assert not verify_password("Secret124", hash_password("Secret123"))


def test_same_password_hashes_differently():
    assert hash_password("Secret123") != hash_password("Secret123")


def test_hash_uses_scrypt_and_hides_the_password():
    stored = hash_password("Secret123")
    assert stored.startswith("scrypt$") and "Secret123" not in stored


def test_corrupt_hash_never_verifies():
    assert not verify_password("x", "scrypt$bad")


def test_short_password_is_a_problem():
    assert password_problem("Ab1") == "密码至少 8 位"


def test_letters_and_digits_are_required():
    assert password_problem("abcdefgh") is not None
    assert password_problem("12345678") is not None
    assert password_problem("abcd1234") is None
