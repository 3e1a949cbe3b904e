"""Read our QR SVGs back as pictures: the module grid of qr.qr_svg's run-length path, drawn with Pillow.

zbarimg cannot open SVG files on every machine (ImageMagick's SVG delegate may be
missing), so tests that decode an SVG answer draw it first, module by module.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image, ImageDraw

_RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-\d+z")


def svg_modules(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """(side in modules with the quiet zone, dark cells) of an SVG from qr.qr_svg."""
    root = ET.fromstring(svg)
    side = int(root.attrib["viewBox"].split()[2])
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    cells: set[tuple[int, int]] = set()
    for x, y, n in _RUN.findall(path.attrib["d"]):
        cells.update((int(x) + i, int(y)) for i in range(int(n)))
    return side, cells


def draw(side: int, cells: set[tuple[int, int]], px_per_module: int = 8) -> Image.Image:
    image = Image.new("L", (side * px_per_module, side * px_per_module), 255)
    pen = ImageDraw.Draw(image)
    for x, y in cells:
        pen.rectangle((x * px_per_module, y * px_per_module, (x + 1) * px_per_module - 1,
                       (y + 1) * px_per_module - 1), fill=0)
    return image


def decode(image: Image.Image, path: Path) -> str:
    """What zbarimg reads from ``image`` ('' when it finds no code)."""
    image.save(path)
    zbarimg = shutil.which("zbarimg")
    assert zbarimg is not None, "zbarimg is needed (apt-get install zbar-tools)"
    result = subprocess.run([zbarimg, "--quiet", "--raw", str(path)], capture_output=True, text=True, timeout=30)
    return result.stdout.strip()


def decode_svg(svg: str, path: Path) -> str:
    return decode(draw(*svg_modules(svg)), path)
