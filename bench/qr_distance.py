"""How far back in a lecture hall a phone decodes the check-in QR (issue 13), by simulation.

For each screen (a 10" 1024x768 tablet, a 1080p projector throwing a 2.5 m wide image) and each
QR setting (error-correction level, quiet zone), it takes the QR box the display page gives
(``/d/{token}``: min(84vh, 60vw) CSS px), works out the module size in millimetres, and then
photographs the screen with a simulated phone camera at growing distances until zbarimg stops
decoding. The camera: 69 degrees horizontal field of view (a 26 mm-equivalent main camera) and
a 1280 px wide preview frame (what scanning apps decode, conservatively); the picture is the
screen area-sampled to that scale, then blurred (Gaussian sigma 0.8 px: lens, focus, hand shake),
with the contrast of the screen (projector: black 60, white 215 of 255 in a lit hall) and sensor
noise (sigma 6). A distance counts when at least 3 of 4 sub-pixel placements decode.

    python -m bench.qr_distance            # the table of the README's "Lecture-hall QR"
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import qrcode  # type: ignore[import-untyped]
from PIL import Image, ImageChops, ImageDraw, ImageFilter

CAMERA_HFOV_DEG = 69.0
CAMERA_FRAME_PX = 1280
BLUR_SIGMA_PX = 0.8
NOISE_SIGMA = 6.0
LEVELS = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M}


@dataclass(frozen=True)
class Screen:
    name: str
    width_px: int
    height_px: int
    width_mm: float
    black: int
    white: int

    @property
    def qr_box_px(self) -> float:
        # pwa/css/display.css: .display-qr is min(84vh, 60vw)
        return min(0.84 * self.height_px, 0.60 * self.width_px)

    @property
    def mm_per_px(self) -> float:
        return self.width_mm / self.width_px


SCREENS = [
    # A 10.1" 4:3 panel is 205 mm x 154 mm; backlit, so nearly full contrast.
    Screen("tablet 1024x768 10\"", 1024, 768, 205.0, 20, 240),
    Screen("projector 1080p 2.5 m", 1920, 1080, 2500.0, 60, 215),
]


def matrix(data: str, level: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=LEVELS[level], border=0)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(c) for c in row] for row in code.get_matrix()]


def photograph(cells: list[list[bool]], border: int, px_per_module: float, screen: Screen,
               offset: tuple[float, float], rng: random.Random) -> Image.Image:
    """What the camera's frame holds of the QR (and some white page around it)."""
    n = len(cells)
    fine = 8  # draw at 8 sub-pixels per camera pixel, then area-sample down
    scale = px_per_module * fine
    margin_modules = border + 4  # the white page around the image counts as quiet zone too
    side_modules = n + 2 * margin_modules
    side = int(math.ceil(side_modules * scale)) + 2 * fine
    image = Image.new("L", (side, side), screen.white)
    pen = ImageDraw.Draw(image)
    ox, oy = offset[0] * fine, offset[1] * fine
    for y, row in enumerate(cells):
        for x, dark in enumerate(row):
            if dark:
                x0 = ox + (x + margin_modules) * scale
                y0 = oy + (y + margin_modules) * scale
                pen.rectangle((round(x0), round(y0), round(x0 + scale) - 1, round(y0 + scale) - 1), fill=screen.black)
    small = image.resize((side // fine, side // fine), Image.Resampling.BOX)
    blurred = small.filter(ImageFilter.GaussianBlur(BLUR_SIGMA_PX))
    # Gaussian sensor noise around 128, seeded so that a run repeats.
    noise = Image.frombytes("L", blurred.size, bytes(
        max(0, min(255, round(128 + rng.gauss(0, NOISE_SIGMA)))) for _ in range(blurred.width * blurred.height)))
    return ImageChops.add(blurred, noise, scale=1.0, offset=-128)


def decodes(image: Image.Image, expected: str, work: Path) -> bool:
    path = work / "frame.png"
    image.save(path)
    out = subprocess.run([shutil.which("zbarimg") or "zbarimg", "-q", "--raw", str(path)],
                         capture_output=True, text=True, timeout=30).stdout.strip()
    return out == expected


def camera_px_per_module(module_mm: float, distance_m: float) -> float:
    angle = math.degrees(2 * math.atan(module_mm / 2 / (distance_m * 1000)))
    return angle * CAMERA_FRAME_PX / CAMERA_HFOV_DEG


def max_distance(data: str, level: str, border: int, screen: Screen, work: Path) -> tuple[int, float, float]:
    cells = matrix(data, level)
    n = len(cells)
    module_mm = screen.qr_box_px / (n + 2 * border) * screen.mm_per_px
    rng = random.Random(13)
    best = 0.0
    # Start where a module is 6 camera pixels (every closer distance decodes too), then step out by 5%.
    distance = round(module_mm / 1000 / math.tan(math.radians(6 * CAMERA_HFOV_DEG / CAMERA_FRAME_PX)), 2)
    misses = 0
    while misses < 2 and distance < 100:
        ppm = camera_px_per_module(module_mm, distance)
        hits = sum(decodes(photograph(cells, border, ppm, screen, (dx, dy), rng), data, work)
                   for dx, dy in ((0, 0), (0.5, 0.5), (0.25, 0.75), (0.75, 0.25)))
        if hits >= 3:
            best, misses = distance, 0
        else:
            misses += 1
        distance = round(distance * 1.05, 2)
    return n, module_mm, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="https://cme.example-hospital.cn/c/1234?t=12345678",
                        help="a check-in URL as long as production's (default: 47 characters)")
    args = parser.parse_args()
    print(f"URL {args.url!r} ({len(args.url)} characters); camera {CAMERA_HFOV_DEG:g} deg, {CAMERA_FRAME_PX} px")
    print(f"{'screen':<24}{'EC':>3}{'border':>7}{'modules':>8}{'QR box px':>10}{'module mm':>10}{'decodes to m':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        for screen in SCREENS:
            for level in ("L", "M"):
                for border in (2, 4):
                    n, module_mm, best = max_distance(args.url, level, border, screen, Path(tmp))
                    print(f"{screen.name:<24}{level:>3}{border:>7}{n:>8}{screen.qr_box_px:>10.0f}"
                          f"{module_mm:>10.1f}{best:>13.1f}")


if __name__ == "__main__":
    main()
