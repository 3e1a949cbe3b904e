"""QR rendering (qr.images): structure, and real decoding with zbarimg."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import qrcode  # type: ignore[import-untyped]
from PIL import Image, ImageDraw
from qrcode.constants import ERROR_CORRECT_L  # type: ignore[import-untyped]

from qr import qr_png, qr_svg

URL = "https://cme.example.org/c/17?t=01234567"
PERSONAL = "JJ1.42.56666668.12345678"
SVG_NS = "{http://www.w3.org/2000/svg}"
ZBARIMG = shutil.which("zbarimg")


def _symbol(data: str, error_correction: int = ERROR_CORRECT_L) -> list[list[bool]]:
    """The module matrix qrcode itself produces, without quiet zone."""
    qr = qrcode.QRCode(error_correction=error_correction, border=0)
    qr.add_data(data)
    qr.make(fit=True)
    return [[bool(cell) for cell in row] for row in qr.get_matrix()]


def _svg_root(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _viewbox_size(svg: str) -> int:
    x, y, width, height = _svg_root(svg).attrib["viewBox"].split()
    assert (x, y) == ("0", "0")
    assert width == height
    return int(width)


def _svg_dark_cells(svg: str) -> set[tuple[int, int]]:
    """Parse our run-length path back into (x, y) dark cells."""
    path = _svg_root(svg).find(f"{SVG_NS}path")
    assert path is not None
    d = path.attrib["d"]
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", d)
    assert (
        "".join(f"M{x} {y}h{n}v1h-{m}z" for x, y, n, m in runs) == d
    ), "unexpected path syntax"
    cells: set[tuple[int, int]] = set()
    for x, y, n, m in runs:
        assert n == m
        cells.update((int(x) + i, int(y)) for i in range(int(n)))
    return cells


def _decode(path: Path) -> str:
    assert ZBARIMG is not None, "zbarimg is not installed (`make test` installs zbar-tools)"
    result = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, f"zbarimg exit {result.returncode}: {result.stderr}"
    return result.stdout.rstrip("\n")


def test_svg_is_wellformed_standalone_svg() -> None:
    root = _svg_root(qr_svg(URL))
    assert root.tag == f"{SVG_NS}svg"
    assert [child.tag for child in root] == [f"{SVG_NS}rect", f"{SVG_NS}path"]


def test_svg_has_white_background_covering_viewbox() -> None:
    svg = qr_svg(URL)
    rect = _svg_root(svg).find(f"{SVG_NS}rect")
    assert rect is not None
    size = str(_viewbox_size(svg))
    assert rect.attrib["fill"] == "#fff"
    assert (rect.get("x", "0"), rect.get("y", "0")) == ("0", "0")
    assert (rect.attrib["width"], rect.attrib["height"]) == (size, size)


def test_svg_path_is_black_and_unstroked() -> None:
    # Without an explicit stroke="none" ImageMagick renders a code zbar cannot read.
    path = _svg_root(qr_svg(URL)).find(f"{SVG_NS}path")
    assert path is not None
    assert (path.attrib["fill"], path.attrib["stroke"]) == ("#000", "none")


def test_svg_viewbox_is_modules_plus_quiet_zone() -> None:
    assert _viewbox_size(qr_svg(URL)) == len(_symbol(URL)) + 2 * 4


def test_svg_viewbox_follows_custom_border() -> None:
    assert _viewbox_size(qr_svg(URL, border=1)) == len(_symbol(URL)) + 2


def test_svg_quiet_zone_has_no_dark_modules() -> None:
    cells = _svg_dark_cells(qr_svg(URL))
    n = len(_symbol(URL))
    assert min(x for x, _ in cells) == 4 and min(y for _, y in cells) == 4
    assert (
        max(x for x, _ in cells) == 4 + n - 1 and max(y for _, y in cells) == 4 + n - 1
    )


def test_svg_modules_match_qr_symbol_at_level_m() -> None:
    symbol = _symbol(URL)
    expected = {
        (x + 4, y + 4)
        for y, row in enumerate(symbol)
        for x, dark in enumerate(row)
        if dark
    }
    assert _svg_dark_cells(qr_svg(URL)) == expected


def test_svg_format_information_says_level_l() -> None:
    # Read the error-correction level straight from the symbol (ISO/IEC 18004 format
    # information), independently of qrcode: format bits 14 and 13, after XOR with the
    # 0b101... mask, are the level indicator, L = 01 (M = 00). One copy runs down column 8 at
    # the bottom left, the other along row 8 at the top left.
    svg = qr_svg(URL)
    cells = _svg_dark_cells(svg)
    n = _viewbox_size(svg) - 8

    def dark(row: int, col: int) -> int:
        return int((col + 4, row + 4) in cells)

    vertical = (dark(n - 1, 8) << 1 | dark(n - 2, 8)) ^ 0b10
    horizontal = (dark(8, 0) << 1 | dark(8, 1)) ^ 0b10
    assert vertical == horizontal == 0b01


def test_svg_has_intrinsic_size() -> None:
    svg = qr_svg(URL)
    root = _svg_root(svg)
    assert root.attrib["width"] == root.attrib["height"]
    assert int(root.attrib["width"]) >= 2 * _viewbox_size(svg)


def test_svg_rejects_negative_border() -> None:
    with pytest.raises(ValueError):
        qr_svg(URL, border=-1)


def test_png_signature_and_pillow_readable() -> None:
    png = qr_png(URL)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.mode in {"1", "L"}


def test_png_size_is_modules_plus_quiet_zone_times_box() -> None:
    with Image.open(io.BytesIO(qr_png(URL, box_size=3, border=2))) as image:
        side = (len(_symbol(URL)) + 2 * 2) * 3
        assert image.size == (side, side)


def test_png_quiet_zone_is_white() -> None:
    box, border = 5, 4
    with Image.open(io.BytesIO(qr_png(URL, box_size=box, border=border))) as image:
        gray = image.convert("L")
        side = gray.size[0]
        quiet = border * box
        strips = [
            (0, 0, side, quiet),
            (0, side - quiet, side, side),
            (0, 0, quiet, side),
            (side - quiet, 0, side, side),
        ]
        for strip in strips:
            assert gray.crop(strip).getextrema() == (255, 255), strip
        # The finder pattern starts right after the quiet zone.
        assert gray.getpixel((quiet, quiet)) == 0


@pytest.mark.parametrize(("box_size", "border"), [(0, 4), (10, -1)])
def test_png_rejects_bad_geometry(box_size: int, border: int) -> None:
    with pytest.raises(ValueError):
        qr_png(URL, box_size=box_size, border=border)


@pytest.mark.parametrize("data", [URL, PERSONAL])
def test_png_decodes_to_same_data(data: str, tmp_path: Path) -> None:
    target = tmp_path / "code.png"
    target.write_bytes(qr_png(data))
    assert _decode(target) == data


def test_small_png_decodes(tmp_path: Path) -> None:
    target = tmp_path / "small.png"
    target.write_bytes(qr_png(URL, box_size=3))
    assert _decode(target) == URL


def _rasterise(svg: str, scale: int = 8) -> Image.Image:
    """Paint the SVG's rect and run-length path as pixels (what a browser would draw)."""
    size = _viewbox_size(svg)
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y in _svg_dark_cells(svg):
        draw.rectangle([x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1], fill=0)
    return image


@pytest.mark.parametrize(("data", "border"), [(URL, 4), (PERSONAL, 4), (URL, 2)])
def test_svg_decodes_to_same_data(data: str, border: int, tmp_path: Path) -> None:
    # zbarimg reads SVG only through an ImageMagick with an SVG coder, which Debian's
    # may lack: draw the path ourselves so the test runs (and can fail) everywhere.
    target = tmp_path / "code.png"
    _rasterise(qr_svg(data, border=border)).save(target)
    assert _decode(target) == data
