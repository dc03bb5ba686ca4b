"""Bar charts as PNG without a plotting library: a raster, filled rectangles, a 5x7 pixel font, zlib.

Enough for the two charts of the evidence pack (status per framework, exercises against RTO) and
byte-for-byte repeatable, which a plotting library would not promise.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

RGB = tuple[int, int, int]

_FONT: dict[str, tuple[int, ...]] = {
    "0": (0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E), "1": (0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E),
    "2": (0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F), "3": (0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E),
    "4": (0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02), "5": (0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E),
    "6": (0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E), "7": (0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08),
    "8": (0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E), "9": (0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C),
    "A": (0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11), "B": (0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E),
    "C": (0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E), "D": (0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C),
    "E": (0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F), "F": (0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10),
    "G": (0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F), "H": (0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11),
    "I": (0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E), "J": (0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C),
    "K": (0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11), "L": (0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F),
    "M": (0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11), "N": (0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11),
    "O": (0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E), "P": (0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10),
    "Q": (0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D), "R": (0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11),
    "S": (0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E), "T": (0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04),
    "U": (0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E), "V": (0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04),
    "W": (0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A), "X": (0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11),
    "Y": (0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04), "Z": (0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F),
    "-": (0, 0, 0, 0x1F, 0, 0, 0), ".": (0, 0, 0, 0, 0, 0x0C, 0x0C), "_": (0, 0, 0, 0, 0, 0, 0x1F),
    ":": (0, 0x0C, 0x0C, 0, 0x0C, 0x0C, 0), "%": (0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03),
    "(": (0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02), ")": (0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08),
    "/": (0, 0x01, 0x02, 0x04, 0x08, 0x10, 0), " ": (0, 0, 0, 0, 0, 0, 0),
    "?": (0x0E, 0x11, 0x01, 0x02, 0x04, 0, 0x04),
}
GLYPH_W, GLYPH_H = 6, 7
"""Advance per character (5 pixels and a space) and glyph height, before scaling."""


def hex_rgb(colour: str) -> RGB:
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class Canvas:
    def __init__(self, width: int, height: int, background: RGB = (255, 255, 255)) -> None:
        self.width, self.height = width, height
        self._rows = [bytearray(bytes(background) * width) for _ in range(height)]

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: RGB) -> None:
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        if x1 <= x0 or y1 <= y0:
            return
        span = bytes(colour) * (x1 - x0)
        for y in range(y0, y1):
            self._rows[y][3 * x0: 3 * x1] = span

    def text(self, x: int, y: int, text: str, colour: RGB, scale: int = 2) -> int:
        """Draw upper-cased text with the built-in font; return the x after it."""
        for ch in text.upper():
            glyph = _FONT.get(ch, _FONT["?"])
            for gy, bits in enumerate(glyph):
                for gx in range(5):
                    if bits & (0x10 >> gx):
                        px, py = x + gx * scale, y + gy * scale
                        self.rect(px, py, px + scale, py + scale, colour)
            x += GLYPH_W * scale
        return x

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self._rows)

        def chunk(kind: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6))
                + chunk(b"IEND", b""))


@dataclass(frozen=True)
class Bar:
    segments: tuple[tuple[float, RGB], ...]
    """(value, colour) pieces stacked left to right."""
    label: str = ""
    """Drawn left of the bar."""
    note: str = ""
    """Drawn right of the bar's end (e.g. the total or the value)."""


AXIS: RGB = (64, 64, 64)
GRID: RGB = (225, 225, 225)
INK: RGB = (40, 40, 40)
SEGMENT_INK: RGB = (20, 20, 20)


def text_width(text: str, scale: int = 2) -> int:
    return len(text) * GLYPH_W * scale


def bar_chart(bars: Sequence[Bar], *, width: int = 900, bar_height: int = 34, gap: int = 14,
              scale_max: float | None = None, segment_values: bool = False) -> bytes:
    """Horizontal (stacked) bars with labels on the left, light grid lines every tenth of the scale.

    ``segment_values`` writes each segment's value inside it when it fits.
    """
    scale = 2
    label_w = min(max((text_width(b.label, scale) for b in bars), default=0), width // 3)
    note_w = max((text_width(b.note, scale) for b in bars), default=0)
    left = 12 + label_w + (10 if label_w else 0)
    right = 16 + note_w + (8 if note_w else 0)
    top = 16
    height = top * 2 + max(1, len(bars)) * (bar_height + gap)
    canvas = Canvas(width, height)
    total = scale_max or max((sum(v for v, _ in b.segments) for b in bars), default=1.0) or 1.0
    plot = max(width - left - right, 10)
    for i in range(11):
        gx = left + round(plot * i / 10)
        canvas.rect(gx, top // 2, gx + 1, height - top // 2, GRID)
    text_h = GLYPH_H * scale
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        text_y = y + (bar_height - text_h) // 2
        if bar.label:
            fit = bar.label[: max(1, label_w // (GLYPH_W * scale))]
            canvas.text(12, text_y, fit, INK, scale)
        x = float(left)
        for value, colour in bar.segments:
            w = plot * max(value, 0.0) / total
            canvas.rect(round(x), y, round(x + w), y + bar_height, colour)
            shown = f"{value:g}"
            if segment_values and value > 0 and text_width(shown, scale) + 8 <= w and text_h <= bar_height:
                canvas.text(round(x) + 6, text_y, shown, SEGMENT_INK, scale)
            x += w
        if bar.note:
            canvas.text(round(x) + 8, text_y, bar.note, INK, scale)
    canvas.rect(left, top // 2, left + 2, height - top // 2, AXIS)
    return canvas.png()
