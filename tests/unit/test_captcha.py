"""The captcha image generator and answer hashing."""

import io

from PIL import Image

from server.services import captcha


def test_answer_uses_only_unambiguous_characters():
    for _ in range(200):
        answer = captcha.new_answer()
        assert len(answer) == captcha.LENGTH
        assert not set(answer) & set("0O1IL2Z5S8B")
        assert set(answer) <= set(captcha.ALPHABET)


def test_render_png_is_a_real_png_of_the_right_size():
    data = captcha.render_png("K7PX")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (captcha.WIDTH, captcha.HEIGHT)


def test_render_draws_something_and_differs_each_time():
    first, second = captcha.render_png("K7PX"), captcha.render_png("K7PX")
    assert first != second  # noise and tilt are random
    image = Image.open(io.BytesIO(first)).convert("L")
    dark = sum(image.histogram()[:110])
    assert dark > 200  # glyphs and lines, not a blank card


def test_answer_hash_is_salted_and_case_insensitive():
    stored = captcha.answer_hash("K7PX")
    assert "K7PX" not in stored
    assert captcha.answer_hash("K7PX") != stored
    assert captcha._matches("k7px", stored)
    assert captcha._matches(" K7PX ", stored)
    assert not captcha._matches("K7PY", stored)
