"""Render QR codes as SVG (for screens) and PNG (for downloads/print)."""

from __future__ import annotations

import io

# qrcode ships no type information.
import qrcode  # type: ignore[import-untyped]
from qrcode.constants import ERROR_CORRECT_L  # type: ignore[import-untyped]
from qrcode.image.pil import PilImage  # type: ignore[import-untyped]

__all__ = ["qr_png", "qr_svg"]

# L, the lowest level: the fewest modules, so the largest ones on a given screen. A check-in
# URL of ~49 characters is version 3 (29 modules) at L and version 4 (33) at M; simulated with
# zbar on a 1080p projector's 2.5 m image (bench/qr_distance.py) L decodes from 16.9 m and M
# from 15.8 m. The codes rotate every 20 s, so a damaged print is never the failure mode that
# M's extra recovery is for.
_ERROR_CORRECTION = ERROR_CORRECT_L
# Intrinsic SVG size when nothing else sizes it (opened directly, rasterised by a tool):
# at 1 px per module, ImageMagick's rendering no longer decodes; 8 px gives ~300 px.
_SVG_PX_PER_MODULE = 8


def _build(data: str, box_size: int = 1, border: int = 0) -> qrcode.QRCode:
    qr = qrcode.QRCode(
        error_correction=_ERROR_CORRECTION, box_size=box_size, border=border
    )
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def _dark_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (x, y, length)."""
    runs: list[tuple[int, int, int]] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append((start, y, x - start))
            else:
                x += 1
    return runs


def qr_svg(data: str, border: int = 4) -> str:
    """A standalone SVG of `data`: viewBox in modules, `border` modules of quiet zone.

    Dark modules form one <path> of merged horizontal runs to keep the markup small.
    width/height give an intrinsic size (_SVG_PX_PER_MODULE px per module); CSS may
    override it.
    """
    if border < 0:
        raise ValueError(f"border must be >= 0, got {border}")
    matrix = [[bool(cell) for cell in row] for row in _build(data).get_matrix()]
    size = len(matrix) + 2 * border
    path = "".join(
        f"M{x + border} {y + border}h{n}v1h-{n}z" for x, y, n in _dark_runs(matrix)
    )
    px = size * _SVG_PX_PER_MODULE
    # crispEdges stops anti-aliasing from leaving hairline gaps between adjacent runs.
    # stroke="none" is the SVG default, yet without it ImageMagick's built-in renderer
    # (what zbarimg uses) draws the path so that the code no longer decodes.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}"'
        f' viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{path}" fill="#000" stroke="none"/>'
        "</svg>"
    )


def qr_png(data: str, box_size: int = 10, border: int = 4) -> bytes:
    """1-bit PNG of `data`: `box_size` px per module, `border` modules of quiet zone."""
    image = _build(data, box_size=box_size, border=border).make_image(
        image_factory=PilImage
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
