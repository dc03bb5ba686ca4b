"""The dependency-free PNG bar charts embedded in the Word pack."""

from __future__ import annotations

import struct
import zlib

from itscm_audit.reporters.png import INK, Bar, bar_chart, hex_rgb


def _decode(png: bytes) -> tuple[int, int, list[bytes]]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
            assert body[8:10] == b"\x08\x02"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 3 * width
    rows = [raw[i * stride + 1:(i + 1) * stride] for i in range(height)]
    assert len(raw) == stride * height
    return width, height, rows


def test_stacked_bars_are_drawn_in_proportion() -> None:
    green, red = hex_rgb("00FF00"), hex_rgb("FF0000")
    png = bar_chart([Bar(((3.0, green), (1.0, red)))], width=120, bar_height=10, gap=2)
    width, height, rows = _decode(png)
    assert (width, height) == (120, 16 * 2 + 12)
    row = rows[16 + 5]
    pixels = [tuple(row[i:i + 3]) for i in range(0, len(row), 3)]
    # 3:1, the first 2 green pixels lying under the axis line
    green_px, red_px = pixels.count(green) + 2, pixels.count(red)
    assert red_px > 10 and abs(green_px - 3 * red_px) <= 1


def test_labels_and_notes_are_drawn_in_ink() -> None:
    plain = _decode(bar_chart([Bar(((1.0, (0, 0, 255)),))], width=300))[2]
    labelled = _decode(bar_chart([Bar(((1.0, (0, 0, 255)),), label="iso22301", note="62.5%")], width=300))[2]
    ink = bytes(INK)
    assert not any(ink in row for row in plain)
    assert sum(row.count(ink) for row in labelled) > 100


def test_same_data_same_bytes() -> None:
    bars = [Bar(((2.0, (1, 2, 3)),)), Bar(((5.0, (4, 5, 6)),))]
    assert bar_chart(bars) == bar_chart(bars)
    assert _decode(bar_chart([]))[0] == 900
