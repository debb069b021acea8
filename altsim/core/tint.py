"""How the client draws a tint colour: the black/white adjustment of behaviour.md 2.5.

UIColor+AltStore.swift:18-61 (AltStore 2.0rc), applied to source tints in banners, source pages
and the Browse tab; the stored colour never changes:

    brightnessMaxThreshold = 0.85, brightnessMinThreshold = 0.35
    saturationBrightnessThreshold = 0.5
    isTooBright = brightness >= 0.85 && saturation <= 0.5      (getHue, alpha ignored)
    isTooDark   = brightness <= 0.35
    adjustedForDisplay: neither -> self, unchanged (alpha too); otherwise a dynamic colour
        brightness = min(brightness, 0.85); in dark mode also max(brightness, 0.35)
        UIColor(hue:saturation:brightness:alpha: 1.0)

Pure: stdlib only. Colours are 0xAARRGGBB integers, as the decoder stores them.
"""

from __future__ import annotations

__all__ = ["adjusted_tint", "adjusted_tints", "hsb", "is_too_bright", "is_too_dark", "rgb_hex"]

_MAX_BRIGHTNESS = 0.85
_MIN_BRIGHTNESS = 0.35
_MAX_SATURATION = 0.5


def _components(argb: int) -> tuple[float, float, float]:
    # UIColor+Hex.swift builds the colour from 8-bit components divided by 255
    return ((argb >> 16 & 0xFF) / 255.0, (argb >> 8 & 0xFF) / 255.0, (argb & 0xFF) / 255.0)


def _saturation_brightness(argb: int) -> tuple[float, float]:
    """hsb's saturation and brightness without the hue: all the adjustment tests. The largest
    and smallest components divided by 255 are the quotients of the largest and smallest byte
    (dividing by a positive constant keeps the order), so both are the same floats as hsb's."""
    red, green, blue = argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF
    high, low = max(red, green, blue) / 255.0, min(red, green, blue) / 255.0
    return (high - low) / high if high > 0 else 0.0, high


def hsb(argb: int) -> tuple[float, float, float]:
    """(hue, saturation, brightness), each 0...1, as UIColor.getHue(_:saturation:brightness:)."""
    saturation, brightness = _saturation_brightness(argb)
    red, green, blue = _components(argb)
    delta = brightness - min(red, green, blue)
    if delta == 0:
        return 0.0, saturation, brightness
    if brightness == red:
        hue = (green - blue) / delta
    elif brightness == green:
        hue = 2.0 + (blue - red) / delta
    else:
        hue = 4.0 + (red - green) / delta
    hue /= 6.0
    if hue < 0:
        hue += 1.0
    return hue, saturation, brightness


def _from_hsb(hue: float, saturation: float, brightness: float) -> tuple[float, float, float]:
    """UIColor(hue:saturation:brightness:alpha:) -> RGB components."""
    if saturation == 0:
        return brightness, brightness, brightness
    sector = (hue % 1.0) * 6.0
    index = int(sector)
    fraction = sector - index
    p = brightness * (1.0 - saturation)
    q = brightness * (1.0 - saturation * fraction)
    t = brightness * (1.0 - saturation * (1.0 - fraction))
    return ((brightness, t, p), (q, brightness, p), (p, brightness, t),
            (p, q, brightness), (t, p, brightness), (brightness, p, q))[index % 6]


def _too_bright(saturation: float, brightness: float) -> bool:
    return brightness >= _MAX_BRIGHTNESS and saturation <= _MAX_SATURATION


def _too_dark(brightness: float) -> bool:
    return brightness <= _MIN_BRIGHTNESS


def is_too_bright(argb: int) -> bool:
    return _too_bright(*_saturation_brightness(argb))


def is_too_dark(argb: int) -> bool:
    return _too_dark(_saturation_brightness(argb)[1])


def adjusted_tint(argb: int, dark_mode: bool = False) -> int:
    """The colour the client draws for tint `argb` (0xAARRGGBB) in light or dark mode."""
    return adjusted_tints(argb)[dark_mode]


def adjusted_tints(argb: int) -> tuple[int, int]:
    """The colours the client draws for tint `argb` in light mode and in dark mode, from one
    reading of it (most colours need no adjusting: both are `argb`)."""
    saturation, brightness = _saturation_brightness(argb)
    if not (_too_bright(saturation, brightness) or _too_dark(brightness)):
        return argb, argb
    hue = hsb(argb)[0]
    light = min(brightness, _MAX_BRIGHTNESS)
    dark = max(light, _MIN_BRIGHTNESS)  # only raised in dark mode
    drawn = _drawn(hue, saturation, light)
    return drawn, drawn if dark == light else _drawn(hue, saturation, dark)


def _drawn(hue: float, saturation: float, brightness: float) -> int:
    red, green, blue = _from_hsb(hue, saturation, brightness)
    # 8-bit rendering of the drawn colour: nearest value (0.85 * 255 = 216.75 -> 0xD9)
    return 0xFF000000 | _byte(red) << 16 | _byte(green) << 8 | _byte(blue)


def _byte(component: float) -> int:
    return max(0, min(255, int(component * 255.0 + 0.5)))


def rgb_hex(argb: int) -> str:
    """The colour as "#RRGGBB" (alpha dropped)."""
    return f"#{argb & 0xFFFFFF:06X}"
