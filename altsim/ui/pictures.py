"""Pictures in the terminal: an app's icon and screenshots, drawn with textual-image.

Kitty's graphics protocol or Sixel where the terminal answered textual-image's query (made when
this module is imported, before Textual owns the terminal), coloured half-block cells elsewhere,
and always half blocks in a headless app (tests: deterministic snapshots). A slot shows
"loading…", then the picture or why there is none (``icon: HTTP 404 Not Found``), with the URL;
a screenshot whose real size disagrees with its declared width and height is flagged under it.

The I/O is ``altsim.net.images``: the page runs it in a worker, which posts ``PictureLoaded``.
``ALTSIM_PICTURES=off`` never fetches; ``on`` fetches in a headless app too (tests); unset,
pictures load unless the app is headless (nobody would see them).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static
from textual_image._terminal import CellSize, get_cell_size

try:  # measured once, here: textual-image 0.12 divides by the columns a pty reports (0)
    get_cell_size()
except Exception:
    get_cell_size._result = CellSize(10, 20)  # type: ignore[attr-defined]  # its VT340 default

# textual-image asks the terminal for Sixel and Kitty graphics when these are imported, before
# Textual owns the terminal (altsim.ui.app imports this module before the app runs)
from textual_image.renderable import Image as AutoRenderable  # noqa: E402
from textual_image.renderable.sixel import Image as SixelRenderable  # noqa: E402
from textual_image.renderable.tgp import Image as TGPRenderable  # noqa: E402
from textual_image.widget import HalfcellImage, SixelImage, TGPImage  # noqa: E402

from altsim.core.store import ShownScreenshot  # noqa: E402
from altsim.net.images import (  # noqa: E402
    ImageCache,
    Picture,
    PictureFailure,
    PictureLoader,
    image_cache_directory,
)
from altsim.sim.simulator import Simulator  # noqa: E402
from altsim.ui.text import literal  # noqa: E402

PICTURES_ENV = "ALTSIM_PICTURES"
PictureKind = Literal["kitty", "sixel", "halfcell"]
ICON_CELLS = (8, 4)  # columns, rows: square in a cell twice as tall as wide
ICON_SLOT_COLUMNS = 16  # room for "icon: HTTP 404 Not Found" in two lines
SCREENSHOT_ROWS = 12
MAX_SCREENSHOT_COLUMNS = 40
SLOT_COLUMNS = 24  # room for a caption beside a narrow screenshot
ASPECT_TOLERANCE = 0.01  # a real shape this close to the declared one is the same shape


def picture_kind(headless: bool) -> PictureKind:
    if headless:
        return "halfcell"
    if AutoRenderable is TGPRenderable:
        return "kitty"
    if AutoRenderable is SixelRenderable:
        return "sixel"
    return "halfcell"


def pictures_wanted(app: App[Any]) -> bool:
    setting = os.environ.get(PICTURES_ENV, "").strip().lower()
    if setting in ("off", "0", "no"):
        return False
    return setting in ("on", "1", "yes") or not app.is_headless


def picture_cache(app: App[Any]) -> Path | None:
    """Where the app's simulator keeps pictures (`net.images.image_cache_directory`), or None
    for an app without one."""
    simulator = getattr(app, "simulator", None)
    if not isinstance(simulator, Simulator):
        return None
    return image_cache_directory(simulator.store.directory)


def screenshot_cells(aspect: float) -> tuple[int, int]:
    """The box the client's cell shape (width / height, `store.screenshots_for`) makes in
    terminal cells, ``SCREENSHOT_ROWS`` tall."""
    cell = get_cell_size()
    columns = round(SCREENSHOT_ROWS * cell.height * aspect / cell.width)
    return max(1, min(columns, MAX_SCREENSHOT_COLUMNS)), SCREENSHOT_ROWS


def size_flag(shot: ShownScreenshot, picture: Picture) -> Text | None:
    """What a maintainer should know about the real size against the declared one, or None."""
    declared = shot.screenshot
    real = f"{picture.width} × {picture.height}"
    real_aspect = picture.width / picture.height if picture.height else 0.0
    if declared.width and declared.height:
        said = f"{declared.width} × {declared.height}"
        if (declared.width, declared.height) == (picture.width, picture.height):
            return None
        if abs(real_aspect - shot.aspect) <= ASPECT_TOLERANCE * shot.aspect:
            return Text(f"real {real}, declared {said}: same shape", "dim")
        return Text(f"⚠ real {real}, declared {said}: the client draws the declared shape",
                    "bold yellow")
    if abs(real_aspect - shot.aspect) > ASPECT_TOLERANCE * shot.aspect:
        return Text(f"⚠ real {real}, no size declared: the client draws 9 : 19.5",
                    "bold yellow")
    return None


def file_name(url: str) -> str:
    """The last part of a picture's path ("icon.png"): what tells two pictures apart in a
    narrow caption; the whole URL when it has no path."""
    path = urlsplit(url).path.rstrip("/")
    return path.rsplit("/", 1)[-1] or url


class PictureLoaded(Message):
    """A worker's result for the slot with id ``slot``."""

    def __init__(self, slot: str, result: Picture | PictureFailure) -> None:
        super().__init__()
        self.slot, self.result = slot, result


class PictureSlot(Vertical):
    """Where one picture goes: a box of ``cells`` (columns, rows) and a caption under it."""

    DEFAULT_CSS = """
    PictureSlot { height: auto; width: auto; margin: 0 1 0 0; }
    PictureSlot > .box { content-align: center middle; color: $text-muted; }
    PictureSlot > .caption { height: auto; }
    """

    def __init__(self, label: str, url: str, cells: tuple[int, int], *, kind: PictureKind,
                 shot: ShownScreenshot | None = None, width: int | None = None,
                 placeholder: str = "loading…", id: str | None = None) -> None:
        super().__init__(id=id)
        self.label, self.url, self.cells, self.kind, self.shot = label, url, cells, kind, shot
        self.placeholder = placeholder
        self.styles.width = width if width is not None else cells[0]
        self.result: Picture | PictureFailure | None = None

    def compose(self) -> ComposeResult:
        box = Static(self.placeholder, classes="box")
        box.styles.width, box.styles.height = self.cells
        yield box
        yield Static(self.caption(), classes="caption")

    @property
    def heading(self) -> str:
        """The label, and for a screenshot the shape the client draws (width / height)."""
        shot = self.shot
        if shot is None:
            return self.label
        return f"{self.label} · {shot.aspect:.3f}{' rounded' if shot.rounded else ''}"

    def caption(self) -> Text:
        result = self.result
        if isinstance(result, PictureFailure):
            return Text.assemble(Text(f"{self.label}: ", "bold red"),
                                 _styled(literal(result.reason, limit=120), "red"),
                                 Text("\n"), _styled(literal(file_name(self.url), limit=60), "dim"))
        if isinstance(result, Picture):
            if self.shot is None:  # the icon: the picture says it all
                return Text("")
            flag = size_flag(self.shot, result)
            return Text(self.heading, "dim") if flag is None else Text.assemble(
                Text(f"{self.heading}: ", "dim"), flag)
        return Text.assemble(Text(f"{self.heading}\n", "dim"),
                             _styled(literal(file_name(self.url), limit=60), "dim"))

    def show(self, result: Picture | PictureFailure) -> None:
        self.result = result
        box = self.query_one(".box", Widget)
        if isinstance(result, Picture):
            image = _image_widget(self.kind, result)
            image.add_class("box")
            image.styles.width, image.styles.height = self.cells
            box.remove()
            self.mount(image, before=0)
        else:
            assert isinstance(box, Static)
            box.update(Text("✗", "bold red"))
        self.query_one(".caption", Static).update(self.caption())


def _styled(text: Text, style: str) -> Text:
    text.stylize(style)
    return text


def _image_widget(kind: PictureKind, picture: Picture) -> Widget:
    if kind == "kitty":
        return TGPImage(picture.image)
    if kind == "sixel":
        return SixelImage(picture.image)
    return HalfcellImage(picture.image)


def swatch(picture: Picture) -> Text:
    """An icon in two cells: 2 x 2 pixels, each cell an upper and a lower half block."""
    small = picture.image.convert("RGB").resize((2, 2))
    def colour(x: int, y: int) -> RichColor:
        red, green, blue = small.getpixel((x, y))  # type: ignore[misc]
        return RichColor.from_rgb(red, green, blue)
    return Text.assemble(*(("▀", Style(color=colour(x, 0), bgcolor=colour(x, 1)))
                           for x in (0, 1)), end="")


class ListIcons:
    """Icons for the rows of a list, asked for as rows are drawn: ``cell(url)`` is the icon's
    swatch once loaded, two blank cells (or a ✗ for a failure) until then; the first ask for
    a URL queues it, and a worker of ``owner`` loads the queue and calls ``redraw``.

    Nothing is fetched when pictures are off (``pictures_wanted``): ``cell`` is empty."""

    WIDTH = 2

    def __init__(self, owner: Widget, redraw: Callable[[], None]) -> None:
        self.owner, self.redraw = owner, redraw
        self.shown: dict[str, Text] = {}
        self.queued: list[str] = []
        self.redraw_due = False

    def cell(self, url: str) -> Text:
        if not pictures_wanted(self.owner.app) or picture_cache(self.owner.app) is None:
            return Text("", end="")
        if url not in self.shown:
            self.shown[url] = Text(" " * self.WIDTH, end="")
            self.queued.append(url)
            if len(self.queued) == 1:
                self.owner.call_later(self._start)
        return self.shown[url]

    def _start(self) -> None:
        urls, self.queued = self.queued, []
        self.owner.run_worker(self._load(urls), group="list-icons", exit_on_error=False)

    def _redraw(self) -> None:
        self.redraw_due = False
        self.redraw()

    async def _load(self, urls: list[str]) -> None:
        directory = picture_cache(self.owner.app)
        assert directory is not None  # checked by cell()
        loader = PictureLoader(ImageCache(directory))

        async def one(url: str) -> None:
            try:
                result = await loader.load(url)
            except Exception as error:  # shown as a failure, never silent
                result = PictureFailure(f"{type(error).__name__}: {error}")
            self.shown[url] = (swatch(result) if isinstance(result, Picture)
                               else Text("✗ ", "red", end=""))
            if not self.redraw_due:  # one redraw for the icons that arrive together
                self.redraw_due = True
                self.owner.call_later(self._redraw)

        try:
            await asyncio.gather(*(one(url) for url in urls))
        finally:
            await loader.aclose()
