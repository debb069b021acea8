"""altsim.core.tint: the black/white tint adjustment (behaviour.md 2.5,
UIColor+AltStore.swift:18-61)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from altsim.cli.shapes import tint_json
from altsim.core.tint import adjusted_tint, hsb, is_too_bright, is_too_dark, rgb_hex


@pytest.mark.parametrize(("argb", "dark_mode", "expected"), [
    pytest.param(0xFFFFFFFF, False, 0xFFD9D9D9, id="v80-white-light-grey"),
    pytest.param(0xFFFFFFFF, True, 0xFFD9D9D9, id="v80-white-dark-mode"),
    pytest.param(0xFFEEEEEE, False, 0xFFD9D9D9, id="s2.5-near-white"),
    pytest.param(0xFFF54F32, False, 0xFFF54F32, id="s2.5-saturated-bright-kept"),
    pytest.param(0xFFF54F32, True, 0xFFF54F32, id="s2.5-saturated-bright-kept-dark"),
    pytest.param(0xFF000000, False, 0xFF000000, id="s2.5-black-light-mode-unchanged"),
    pytest.param(0xFF000000, True, 0xFF595959, id="s2.5-black-dark-mode-raised"),
    pytest.param(0xFF202020, True, 0xFF595959, id="s2.5-dark-grey-dark-mode"),
    pytest.param(0x40202020, False, 0xFF202020, id="s2.5-too-dark-alpha-forced"),
    pytest.param(0x7FFFFFFF, False, 0xFFD9D9D9, id="v20-clamped-half-white-alpha-forced"),
    pytest.param(0x00F54F32, False, 0x00F54F32, id="v20-transparent-not-adjusted"),
    pytest.param(0xFF5A3C96, True, 0xFF5A3C96, id="s2.5-mid-colour-kept"),
    pytest.param(0xFFDA6D6D, False, 0xFFD96C6C, id="s2.5-saturation-0.5-is-too-bright"),
    pytest.param(0xFFDA6C6C, False, 0xFFDA6C6C, id="s2.5-saturation-over-0.5-kept"),
])
def test_adjusted_tint(argb: int, dark_mode: bool, expected: int) -> None:
    assert adjusted_tint(argb, dark_mode) == expected


@pytest.mark.parametrize(("argb", "bright", "dark"), [
    pytest.param(0xFFD9D9D9, True, False, id="s2.5-brightness-217-is-bright"),
    pytest.param(0xFFD8D8D8, False, False, id="s2.5-brightness-216-is-not"),
    pytest.param(0xFF595959, False, True, id="s2.5-brightness-89-is-dark"),
    pytest.param(0xFF5A5A5A, False, False, id="s2.5-brightness-90-is-not"),
])
def test_thresholds(argb: int, bright: bool, dark: bool) -> None:
    assert (is_too_bright(argb), is_too_dark(argb)) == (bright, dark)


@pytest.mark.parametrize(("argb", "expected"), [
    pytest.param(0xFFD9D9D9, "#D9D9D9", id="v80-hex"),
    pytest.param(0x00F54F32, "#F54F32", id="s2.5-alpha-dropped"),
    pytest.param(0xFF00000A, "#00000A", id="s2.5-zero-padded"),
])
def test_rgb_hex(argb: int, expected: str) -> None:
    assert rgb_hex(argb) == expected


def test_hsb_matches_uicolor_get_hue() -> None:
    hue, saturation, brightness = hsb(0xFFFF0000)
    assert (hue, saturation, brightness) == (0.0, 1.0, 1.0)
    assert hsb(0xFF00FF00)[0] == pytest.approx(1 / 3)
    assert hsb(0xFF0000FF)[0] == pytest.approx(2 / 3)


@given(argb=st.integers(0, 0xFFFFFFFF), dark_mode=st.booleans())
def test_adjusted_colours_are_in_range(argb: int, dark_mode: bool) -> None:
    result = adjusted_tint(argb, dark_mode)
    if result == argb and not (is_too_bright(argb) or is_too_dark(argb)):
        return  # untouched, alpha included
    assert result >> 24 == 0xFF
    _, _, brightness = hsb(result)
    assert brightness <= 0.85 + 1 / 255
    if dark_mode:
        assert brightness >= 0.35 - 1 / 255


@given(argb=st.integers(0, 0xFFFFFFFF))
def test_saturation_and_brightness_are_those_of_the_components(argb: int) -> None:
    # UIColor.getHue reads the colour's components divided by 255: the largest is the
    # brightness, and (largest - smallest) / largest the saturation
    red, green, blue = ((argb >> shift & 0xFF) / 255.0 for shift in (16, 8, 0))
    high, low = max(red, green, blue), min(red, green, blue)
    _, saturation, brightness = hsb(argb)
    assert brightness == high
    assert saturation == ((high - low) / high if high > 0 else 0.0)


@given(argb=st.integers(0, 0xFFFFFFFF))
@example(argb=0xFF000000)  # drawn as stored in light mode only
@example(argb=0xFFFFFFFF)
@example(argb=0x40202020)
def test_preview_tint_is_the_stored_and_the_drawn_colours(argb: int) -> None:
    assert tint_json(argb) == {"stored": rgb_hex(argb),
                               "shown": rgb_hex(adjusted_tint(argb, False)),
                               "dark": rgb_hex(adjusted_tint(argb, True))}
