"""What one evidence photo costs on disk: a phone photo of a certificate through evidence.clean().

No real photographs ship with the project, so the input is drawn: a 12 MP (4032×3024) frame of
a printed certificate on a desk — paper with sensor noise, uneven light, a red seal and lines
of CJK text — saved as a phone camera would (JPEG quality 92). Flat synthetic colour would
compress far better than a photo and pure noise far worse; this sits between, so the figure
is an estimate, not a measurement of real uploads.

    python -m bench.evidence_size [--photos 5]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from server.services import evidence

FONT = Path(__file__).resolve().parents[1] / "server" / "assets" / "fonts" / "wqy-microhei.ttc"
LINES = ["继续医学教育学分证书", "兹证明 张三 同志参加", "《急性胸痛的规范化诊治》学术讲座", "授予 I 类学分 1.0 分",
         "项目编号 2026-03-01-012（国）", "主办单位：示例第一医院", "二〇二六年十二月六日"]


def camera_photo(seed: int, width: int = 4032, height: int = 3024) -> bytes:
    rnd = random.Random(seed)
    # The desk, and a sheet of paper turned a little, lit from one side.
    image = Image.new("RGB", (width, height), (96 + rnd.randint(0, 30), 72, 50))
    sheet = Image.new("RGB", (int(width * 0.78), int(height * 0.86)), (238, 236, 228))
    draw = ImageDraw.Draw(sheet)
    big = ImageFont.truetype(str(FONT), 150)
    small = ImageFont.truetype(str(FONT), 96)
    draw.text((sheet.width // 2, 260), LINES[0], font=big, fill=(150, 20, 20), anchor="mm")
    for i, line in enumerate(LINES[1:]):
        draw.text((260, 620 + i * 250), line, font=small, fill=(30, 30, 30))
    draw.ellipse((sheet.width - 900, sheet.height - 800, sheet.width - 300, sheet.height - 200),
                 outline=(200, 30, 30), width=28)
    sheet = sheet.rotate(rnd.uniform(-4, 4), expand=True, fillcolor=(96, 72, 50), resample=Image.Resampling.BICUBIC)
    image.paste(sheet, ((width - sheet.width) // 2, (height - sheet.height) // 2))
    light = Image.linear_gradient("L").resize((width, height)).rotate(90 + rnd.uniform(-20, 20))
    image = Image.composite(image, Image.new("RGB", (width, height), (40, 40, 40)), light.point(lambda v: 150 + v // 3))
    # Sensor noise, softened by the lens: what keeps a photo from compressing like a drawing.
    noise = Image.effect_noise((width, height), 22).filter(ImageFilter.GaussianBlur(0.7))
    image = Image.blend(image, Image.merge("RGB", (noise, noise, noise)), 0.10)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=5)
    args = parser.parse_args()
    uploaded, stored, thumbs = [], [], []
    for seed in range(args.photos):
        photo = camera_photo(seed)
        kept = evidence.clean(photo)
        uploaded.append(len(photo))
        stored.append(len(kept.body))
        thumbs.append(len(kept.thumb))
    mb = 1024 * 1024
    print(f"{args.photos} drawn 12 MP certificate photos (an estimate: see the module docstring)")
    print(f"uploaded (camera JPEG q92): median {statistics.median(uploaded) / mb:.2f} MB")
    print(f"stored photo ({evidence.MAX_SIDE}px long side, q{evidence.JPEG_QUALITY}): "
          f"median {statistics.median(stored) / mb:.2f} MB")
    print(f"stored thumbnail ({evidence.THUMB_SIDE}px): median {statistics.median(thumbs) / 1024:.1f} KB")
    print(f"evidence on disk per photo: {(statistics.median(stored) + statistics.median(thumbs)) / mb:.2f} MB")


if __name__ == "__main__":
    main()
