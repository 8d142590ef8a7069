"""Draws the PWA's icons into static/icons/ (run once, commit the PNGs): a receipt with a notification dot.

Pure Python (signed distances, one pixel of anti-aliasing), so it needs nothing installed:
    python static/draw_icons.py
"""

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

SLATE, ACCENT, WHITE = (0x2F, 0x3E, 0x46), (0xC8, 0x55, 0x3D), (0xFF, 0xFF, 0xFF)
Shape = Callable[[float, float], float]  # signed distance in icon units (0..1): < 0 inside


def box(cx: float, cy: float, half_w: float, half_h: float, radius: float) -> Shape:
    def distance(x: float, y: float) -> float:
        qx, qy = abs(x - cx) - half_w + radius, abs(y - cy) - half_h + radius
        return math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - radius
    return distance


def circle(cx: float, cy: float, radius: float) -> Shape:
    return lambda x, y: math.hypot(x - cx, y - cy) - radius


def glyph(scale: float) -> list[tuple[Shape, tuple[int, int, int] | None]]:
    """The receipt and its dot around the centre, `scale` 1 filling about 60 % of the icon; None cuts a hole."""
    def s(v: float) -> float:
        return 0.5 + (v - 0.5) * scale
    bar = 0.0225 * scale
    return [
        (box(s(0.5), s(0.51), 0.20 * scale, 0.29 * scale, 0.05 * scale), WHITE),
        *((box(s(x), s(y), w * scale, bar, bar), SLATE)
          for x, y, w in ((0.5, 0.38, 0.12), (0.5, 0.50, 0.12), (0.46, 0.62, 0.08))),
        (circle(s(0.70), s(0.26), 0.14 * scale), SLATE),
        (circle(s(0.70), s(0.26), 0.105 * scale), ACCENT),
    ]


def render(size: int, layers: list[tuple[Shape, tuple[int, int, int] | None]],
           background: Shape | None) -> bytes:
    rows = []
    for py in range(size):
        row = bytearray([0])  # PNG filter: none
        y = (py + 0.5) / size
        for px in range(size):
            x = (px + 0.5) / size
            r = g = b = a = 0.0
            for shape, colour in ([(background, SLATE)] if background else []) + layers:
                cover = min(max(0.5 - shape(x, y) * size, 0.0), 1.0)
                if cover <= 0:
                    continue
                if colour is None:
                    a *= 1 - cover  # a hole: the badge is white on transparent
                    continue
                r, g, b = (c * cover + old * (1 - cover) for c, old in zip(colour, (r, g, b), strict=True))
                a = cover + a * (1 - cover)
            row += bytes((round(r), round(g), round(b), round(a * 255)))
        rows.append(bytes(row))
    return png(size, b''.join(rows))


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    header = struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(raw, 9)) + \
        chunk(b'IEND', b'')


def main() -> None:
    folder = Path(__file__).resolve().parent / 'icons'
    folder.mkdir(exist_ok=True)
    rounded = box(0.5, 0.5, 0.5, 0.5, 0.22)  # "any": the icon's own rounded square, transparent corners
    full = box(0.5, 0.5, 1, 1, 0)  # maskable and Apple: full bleed, the platform cuts the shape
    icons = {
        'icon-192.png': (192, glyph(1.0), rounded),
        'icon-512.png': (512, glyph(1.0), rounded),
        'icon-maskable-192.png': (192, glyph(0.8), full),  # within the safe zone, a circle of 80 %
        'icon-maskable-512.png': (512, glyph(0.8), full),
        'apple-touch-icon.png': (180, glyph(0.9), full),
    }
    for name, (size, layers, background) in icons.items():
        (folder / name).write_bytes(render(size, layers, background))
    badge = [(shape, None if colour is SLATE else WHITE) for shape, colour in glyph(1.25)]
    (folder / 'badge-96.png').write_bytes(render(96, badge, None))


if __name__ == '__main__':
    main()
