"""The arithmetic of the fits, as sharp (libvips) does it, on plain numbers.

:func:`plan_fit` says how a source of a given size becomes the requested thumbnail: the size
the whole source scales to, the window of that scaled image to keep (cover), and the canvas
to centre it on (contain). Nothing here touches pixels, so every rule is testable alone.
"""

from __future__ import annotations

from dataclasses import dataclass

Size = tuple[int, int]


@dataclass(frozen=True)
class Window:
    """A rectangle of the scaled image: the part a cover crop keeps."""

    left: int
    top: int
    width: int
    height: int

    def scaled_box(self, x_scale: float, y_scale: float) -> tuple[float, float, float, float]:
        """This window as a (left, upper, right, lower) box in a source scaled by x/y_scale."""
        return (
            self.left * x_scale,
            self.top * y_scale,
            (self.left + self.width) * x_scale,
            (self.top + self.height) * y_scale,
        )


@dataclass(frozen=True)
class Plan:
    """How a source becomes a thumbnail: scale, keep a window, place it on a canvas."""

    scaled: Size  # the whole source is resized to this
    window: Window  # the part of ``scaled`` that is kept
    canvas: Size  # the output size; larger than the window means letterboxing

    @property
    def offset(self) -> tuple[int, int]:
        """Where the window sits on the canvas: centred, rounding down as sharp does."""
        return (
            (self.canvas[0] - self.window.width) // 2,
            (self.canvas[1] - self.window.height) // 2,
        )

    @property
    def is_identity(self) -> bool:
        return self.window.width == self.canvas[0] and self.window.height == self.canvas[1]


def plan_fit(
    source: Size,
    width: int | None,
    height: int | None,
    fit: str = "cover",
    without_enlargement: bool = False,
    focal_point: tuple[float, float] | None = None,
) -> Plan:
    """How ``source`` becomes a ``width`` x ``height`` thumbnail with ``fit``.

    - one dimension only: the other follows the aspect ratio (fill: keeps the source's);
    - cover: scaled to cover the box, then cropped to it (around ``focal_point`` if given);
    - contain: scaled to fit in the box, then centred on a canvas of exactly the box;
    - inside / outside: scaled to fit in / cover the box, nothing cropped or padded;
    - fill: stretched to exactly the box;
    - ``without_enlargement``: nothing grows (contain still pads to the box, as sharp).
    """
    source_width, source_height = source
    x_shrink, y_shrink = shrinks(source, width, height, fit, without_enlargement)
    scaled = (_scaled_side(source_width, x_shrink), _scaled_side(source_height, y_shrink))
    # The box as asked: contain pads to it even without enlargement; cover crops to what of
    # it the scaled image covers.
    canvas = (width or scaled[0], height or scaled[1])
    if fit == "cover":
        return Plan(
            scaled, _crop_window(source, scaled, canvas, focal_point), _fitted(canvas, scaled)
        )
    whole = Window(0, 0, *scaled)
    return Plan(scaled, whole, canvas if fit == "contain" else scaled)


def shrinks(
    source: Size,
    width: int | None,
    height: int | None,
    fit: str,
    without_enlargement: bool = False,
) -> tuple[float, float]:
    """How many source pixels go into one output pixel across and down: sharp's
    ResolveShrink, whose reciprocals are the scales of its resize."""
    if width and height:
        x_shrink, y_shrink = source[0] / width, source[1] / height
        if fit in ("cover", "outside"):
            x_shrink = y_shrink = min(x_shrink, y_shrink)
        elif fit in ("contain", "inside"):
            x_shrink = y_shrink = max(x_shrink, y_shrink)
    elif width:
        # fill stretches one side only: the other keeps the source's size, as in sharp.
        x_shrink = source[0] / width
        y_shrink = 1.0 if fit == "fill" else x_shrink
    elif height:
        y_shrink = source[1] / height
        x_shrink = 1.0 if fit == "fill" else y_shrink
    else:
        x_shrink = y_shrink = 1.0
    if without_enlargement:
        x_shrink, y_shrink = max(1.0, x_shrink), max(1.0, y_shrink)
    # Never so much that a side would become 0.
    return min(x_shrink, source[0]), min(y_shrink, source[1])


def _scaled_side(side: int, shrink: float) -> int:
    # libvips' resize by 1/shrink (as sharp calls it) rounds the new side half up, from
    # side * scale when it enlarges and from side / (1 / scale) when it reduces: the two
    # differ in the last bit, which decides a side that falls on a half (1200 at 439/800
    # is 658.5 one way and 658.4999999999999 the other).
    scale = 1.0 / shrink
    exact = side * scale if scale > 1.0 else side / (1.0 / scale)
    return max(1, int(exact + 0.5))


def _fitted(canvas: Size, scaled: Size) -> Size:
    return min(canvas[0], scaled[0]), min(canvas[1], scaled[1])


def _crop_window(
    source: Size, scaled: Size, canvas: Size, focal_point: tuple[float, float] | None
) -> Window:
    width, height = _fitted(canvas, scaled)
    if focal_point is None:
        # sharp's centre gravity: the odd pixel goes to the left/top margin.
        return Window((scaled[0] - width + 1) // 2, (scaled[1] - height + 1) // 2, width, height)
    focal_x = focal_point[0] * scaled[0] / source[0]
    focal_y = focal_point[1] * scaled[1] / source[1]
    return Window(
        _clamp(round(focal_x - width / 2), 0, scaled[0] - width),
        _clamp(round(focal_y - height / 2), 0, scaled[1] - height),
        width,
        height,
    )


def _clamp(value: int, lowest: int, highest: int) -> int:
    return max(lowest, min(value, highest))
