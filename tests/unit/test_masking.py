from server.services.masking import mask_id_number, mask_phone


def test_id_number_keeps_three_and_two():
    assert mask_id_number("320102198805120065") == "320*****65"


def test_phone_keeps_three_and_four():
    assert mask_phone("13812345678") == "138****5678"


def test_empty_values_stay_empty():
    assert mask_id_number(None) == "" and mask_phone("") == ""


def test_short_values_are_fully_hidden():
    assert mask_id_number("12345") == "*****"
