"""Time check_photo on 1, 12 and 24 megapixel JPEGs made in a temporary folder; prints JSON."""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from heygen_studio.photos import check_photo
from heygen_studio.resources import sample_photo

SIZES = {1: (1152, 864), 12: (4000, 3000), 24: (6000, 4000)}  # megapixels -> 4:3 width, height
RUNS = 5


def make_jpeg(folder: Path, megapixels: int) -> Path:
    """The astronaut centred on a textured 4:3 canvas of `megapixels`, saved as a quality-90 JPEG."""
    width, height = SIZES[megapixels]
    canvas = Image.effect_noise((width, height), 40).convert("RGB")
    with Image.open(sample_photo("astronaut.png")) as portrait:
        side = height * 2 // 3
        canvas.paste(
            portrait.convert("RGB").resize((side, side), Image.Resampling.LANCZOS),
            ((width - side) // 2, (height - side) // 2),
        )
    path = folder / f"photo-{megapixels}mp.jpg"
    canvas.save(path, quality=90)
    return path


def timings(path: Path) -> dict[str, object]:
    check_photo(path)  # warm up: cascades load once per process
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        report = check_photo(path)
        seconds.append(time.perf_counter() - start)
    return {
        "megapixels": round(report.width * report.height / 1e6, 1),
        "bytes": report.bytes,
        "ok": report.ok,
        "faces": len(report.faces),
        "median_s": round(statistics.median(seconds), 4),
        "max_s": round(max(seconds), 4),
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        results = [timings(make_jpeg(Path(folder), megapixels)) for megapixels in SIZES]
    json.dump({"runs": RUNS, "results": results}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
