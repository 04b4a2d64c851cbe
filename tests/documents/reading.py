"""Reading a PDF back as its users see it: each page's text (pypdf), each page drawn as a PNG
(pypdfium2, kept under test-artifacts/documents/ for a look), where ink falls on it, and where a
piece of text was set."""

import io
import re
from pathlib import Path

import pypdf
import pypdfium2
from PIL import Image, ImageChops

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
POINTS_PER_MM = 72 / 25.4


def page_texts(document: bytes) -> list[str]:
    """Each page's text, its line breaks and runs of spaces made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(document))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def draw_pages(document: bytes, name: str, scale: float = 1.5) -> list[Image.Image]:
    """Every page drawn at `scale` (1 = 72 dpi), saved as test-artifacts/documents/<name>-NN.png
    (the previous run's pictures of `name` are removed first)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    pdf = pypdfium2.PdfDocument(document)
    try:
        images = [page.render(scale=scale).to_pil().convert("RGB") for page in pdf]
    finally:
        pdf.close()
    for number, image in enumerate(images, start=1):
        image.save(ARTIFACTS / f"{name}-{number:02d}.png")
    return images


def ink_box(image: Image.Image, lighter_than: int = 245) -> tuple[int, int, int, int] | None:
    """The smallest box (left, top, right, bottom, in pixels) holding every pixel darker than
    near-white, or None for a blank page."""
    grey = image.convert("L").point(lambda v: 255 if v > lighter_than else 0)
    return ImageChops.invert(grey).getbbox()


def text_boxes(document: bytes, page_index: int, wanted: str) -> list[tuple[float, ...]]:
    """The boxes (left, bottom, right, top, in points from the page's bottom left) of the
    characters of `wanted` where the page sets it, whitespace and line breaks aside; empty when
    the page does not hold it."""
    pdf = pypdfium2.PdfDocument(document)
    try:
        text_page = pdf[page_index].get_textpage()
        count = text_page.count_chars()
        chars = [(i, text_page.get_text_range(i, 1)) for i in range(count)]
        kept = [(i, ch) for i, ch in chars if ch and not ch.isspace()]
        joined = "".join(ch for _, ch in kept)
        target = re.sub(r"\s+", "", wanted)
        start = joined.find(target)
        if start < 0:
            return []
        return [text_page.get_charbox(i, loose=True) for i, _ in kept[start : start + len(target)]]
    finally:
        pdf.close()
