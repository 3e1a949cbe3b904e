"""Draw the jijiao app icons with Pillow.

Run from anywhere:  python pwa/icons/make_icons.py
Writes icon-32.png, icon-192.png, icon-512.png (rounded tile, transparent
corners), icon-maskable-512.png (full bleed, artwork inside the 80 % safe
zone) and apple-touch-icon.png (180, opaque; iOS rounds it itself) next to
this file. The artwork is a white check mark under a small medical cross on
the theme colour, drawn 4x larger and scaled down for smooth edges.
"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
THEME = (15, 118, 110, 255)  # #0f766e, the manifest's theme_color
ACCENT = (20, 184, 166, 255)  # #14b8a6, a lighter band behind the mark
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 4


def draw_mark(draw: ImageDraw.ImageDraw, cx: float, cy: float, size: float) -> None:
    """Draw the check mark and cross centred on (cx, cy), fitting a size x size box."""
    s = size
    # Soft disc behind the mark.
    r = s * 0.5
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ACCENT)
    # Check mark: two thick strokes with round joints.
    w = round(s * 0.12)
    pts = [
        (cx - s * 0.24, cy + s * 0.06),
        (cx - s * 0.06, cy + s * 0.24),
        (cx + s * 0.27, cy - s * 0.12),
    ]
    draw.line(pts, fill=WHITE, width=w, joint="curve")
    for x, y in (pts[0], pts[2]):
        draw.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=WHITE)
    # Small medical cross at the upper left of the disc.
    c = s * 0.26  # arm length
    t = s * 0.045  # arm half-thickness
    px, py = cx - s * 0.12, cy - s * 0.17
    draw.rectangle((px - c / 2, py - t, px + c / 2, py + t), fill=WHITE)
    draw.rectangle((px - t, py - c / 2, px + t, py + c / 2), fill=WHITE)


def render(px: int, *, rounded: bool, mark_ratio: float) -> Image.Image:
    big = px * SUPERSAMPLE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=THEME)
    else:
        draw.rectangle((0, 0, big, big), fill=THEME)
    draw_mark(draw, big / 2, big / 2, big * mark_ratio)
    return img.resize((px, px), Image.LANCZOS)


def main() -> None:
    outputs = {
        "icon-32.png": render(32, rounded=True, mark_ratio=0.78),
        "icon-192.png": render(192, rounded=True, mark_ratio=0.72),
        "icon-512.png": render(512, rounded=True, mark_ratio=0.72),
        # Maskable: the safe zone is a centred circle of 40 % radius; keep the mark inside it.
        "icon-maskable-512.png": render(512, rounded=False, mark_ratio=0.60),
        "apple-touch-icon.png": render(180, rounded=False, mark_ratio=0.68).convert(
            "RGB"
        ),
    }
    for name, img in outputs.items():
        img.save(HERE / name, optimize=True)
        print(f"wrote {name} {img.size[0]}x{img.size[1]}")


if __name__ == "__main__":
    main()
