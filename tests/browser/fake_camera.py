"""A still picture (a QR code PNG) as the video Chromium's fake camera plays.

Chromium reads a Y4M file given at launch:

    --use-fake-device-for-media-stream --use-fake-ui-for-media-stream
    --use-file-for-fake-video-capture=<file.y4m>

and loops its frames as the camera picture. The file is read when a page opens the camera,
so it may be (re)written after the browser started, before the page asks for the camera.
Y4M: one text header line, then per frame `FRAME\\n` + the Y plane + the U and V planes at
half width and height (4:2:0, full-range "JPEG" YCbCr, which is what Pillow's YCbCr is).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

WIDTH = 640
HEIGHT = 480
FPS = 10


def fake_camera_args(y4m: Path) -> list[str]:
    """The Chromium flags that make `y4m` the camera, with the permission prompt accepted."""
    return [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}",
    ]


def picture(png: bytes | None, width: int = WIDTH, height: int = HEIGHT, margin: int = 40) -> Image.Image:
    """`png` scaled (crisply) to fit, centred on white with at least `margin` px around it."""
    canvas = Image.new("RGB", (width, height), "white")
    if png is None:
        return canvas
    image = Image.open(io.BytesIO(png)).convert("RGB")
    side = min(width, height) - 2 * margin
    scale = side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    image = image.resize(size, Image.Resampling.NEAREST)
    canvas.paste(image, ((width - size[0]) // 2, (height - size[1]) // 2))
    return canvas


def y4m_bytes(image: Image.Image, frames: int = 5, fps: int = FPS) -> bytes:
    """`image` as a Y4M video of `frames` identical 4:2:0 frames."""
    width, height = image.size
    if width % 2 or height % 2:
        raise ValueError("4:2:0 needs an even width and height")
    y, cb, cr = image.convert("YCbCr").split()
    half = (width // 2, height // 2)
    frame = (
        b"FRAME\n"
        + y.tobytes()
        + cb.resize(half, Image.Resampling.BOX).tobytes()
        + cr.resize(half, Image.Resampling.BOX).tobytes()
    )
    header = f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii")
    return header + frame * frames


def write_y4m(path: Path, png: bytes | None, **kwargs) -> Path:
    """Write `png` (or a blank white picture for None) to `path` as the fake camera's video."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(y4m_bytes(picture(png, **kwargs)))
    partial.replace(path)  # atomically: the browser never reads half a file
    return path
