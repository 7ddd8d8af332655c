"""The arrowhead a chart line ends in, as a triangle, and whether two of them overlap.

The page and the SVG files draw a head with a marker (viewBox 10×10 drawn ``size`` wide,
tip at x=10, placed at x=9): its tip a tenth of ``size`` beyond the line's end, its base
nine tenths of ``size`` behind it, ``size`` wide. (The PNG export draws the same triangle a
tenth of ``size`` further back, its tip on the end.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
Triangle = tuple[Point, Point, Point]


def arrowhead(end: Point, toward: Point, size: float) -> Triangle:
    """The head of a line that reaches ``end`` heading to ``toward`` (any point further along
    its last direction)."""
    dx, dy = toward[0] - end[0], toward[1] - end[1]
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    tip = (end[0] + ux * size / 10, end[1] + uy * size / 10)
    bx, by = end[0] - ux * size * 0.9, end[1] - uy * size * 0.9
    half = size / 2
    return (tip, (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half))


def curve_arrowhead(curve: Sequence[float], size: float) -> Triangle:
    """The head of a quadratic curve (sx, sy, cx, cy, ex, ey): it points from the control
    point to the end."""
    _, _, cx, cy, ex, ey = curve
    return arrowhead((ex, ey), (2 * ex - cx, 2 * ey - cy), size)


def overlap(a: Triangle, b: Triangle) -> bool:
    """Whether two triangles share more than a boundary (no side of either separates them)."""
    for triangle in (a, b):
        for i in range(3):
            (x1, y1), (x2, y2) = triangle[i], triangle[(i + 1) % 3]
            nx, ny = y2 - y1, x1 - x2
            on_a = [nx * x + ny * y for x, y in a]
            on_b = [nx * x + ny * y for x, y in b]
            if max(on_a) <= min(on_b) or max(on_b) <= min(on_a):
                return False
    return True
