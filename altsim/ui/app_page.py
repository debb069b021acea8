"""The app page (behaviour.md 10.6): icon, name, developer, the install button as the client draws
it (in the app's tint), the pledge label, description (5 lines) and version notes (3 lines), size,
permissions, and the screenshots this device gets, drawn (`altsim.ui.pictures`)."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from altsim.core import store
from altsim.core.formatting import byte_count, relative_date
from altsim.net.images import ImageCache, PictureFailure, PictureLoader
from altsim.ui.pictures import (
    ICON_CELLS,
    ICON_SLOT_COLUMNS,
    SLOT_COLUMNS,
    PictureLoaded,
    PictureSlot,
    picture_cache,
    picture_kind,
    pictures_wanted,
    screenshot_cells,
)
from altsim.ui.snapshot import AppRow, StoreSnapshot
from altsim.ui.text import literal, paragraph, tint

DESCRIPTION_LINES, NOTES_LINES = 5, 3  # behaviour.md 10.6: collapsed, with "more"


def _collapsed(text: str | None, lines: int, expanded: bool) -> Text:
    if not text:
        return Text("")
    shown = text.splitlines()
    if expanded or len(shown) <= lines:
        return paragraph(text)
    return Text.assemble(paragraph("\n".join(shown[:lines])), Text("\n… more (m)", "dim"))


class AppPage(ModalScreen[str | None]):
    """Dismissed with "tap" when the user taps the button, None otherwise."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back"),
                Binding("i", "tap", "Tap the button"),
                Binding("m", "more", "More"),
                Binding("w", "why", "Why")]
    DEFAULT_CSS = """
    AppPage { align: center middle; }
    AppPage > VerticalScroll { width: 90%; height: 90%; border: round $accent;
                               background: $surface; padding: 0 1; }
    AppPage #header { height: auto; padding: 1 1 0 1; }
    AppPage #title { width: 1fr; padding: 0 0 0 1; }
    AppPage #shots { height: auto; }
    """

    def __init__(self, row: AppRow, snapshot: StoreSnapshot) -> None:
        super().__init__()
        self.row, self.snapshot, self.expanded = row, snapshot, False
        self.loader: PictureLoader | None = None

    def compose(self) -> ComposeResult:
        app, dark = self.row.app, self.snapshot.dark
        kind = picture_kind(self.app.is_headless)
        wanted = pictures_wanted(self.app)
        placeholder = "loading…" if wanted else ""
        with VerticalScroll():
            with Horizontal(id="header") as header:
                # the client's header is the app's tint, lightened; the button is solid tint
                header.styles.background = Color.parse(tint(app.tint_colour, dark)).with_alpha(0.2)
                yield PictureSlot("icon", app.icon_url, ICON_CELLS, kind=kind, id="icon",
                                  width=ICON_SLOT_COLUMNS, placeholder=placeholder or "▐██▌")
                yield Static(self.render_title(), id="title")
            yield Static(self.render_page(), id="page")
            shots = store.screenshots_for(app, self.snapshot.device.family)
            if shots:
                note = "" if wanted else "  (pictures not loaded: ALTSIM_PICTURES=off or headless)"
                yield Static(Text.assemble(Text(f"Screenshots ({self.snapshot.device.family})",
                                                "bold"), Text(note, "dim")))
                with Horizontal(id="shots"):
                    for number, shot in enumerate(shots, 1):
                        columns, rows = screenshot_cells(shot.aspect)
                        yield PictureSlot(f"screenshot {number}", shot.screenshot.image_url,
                                          (columns, rows if wanted else 1), kind=kind,
                                          shot=shot, id=f"shot-{number}",
                                          width=max(columns, SLOT_COLUMNS),
                                          placeholder=placeholder or "▒" * columns)
        yield Footer()

    def on_mount(self) -> None:
        if not pictures_wanted(self.app):
            return
        directory = picture_cache(self.app)
        if directory is None:
            return
        self.loader = PictureLoader(ImageCache(directory))
        self.load_pictures(self.loader, [(slot.id or "", slot.url)
                                         for slot in self.query(PictureSlot)])

    async def on_unmount(self) -> None:
        if self.loader is not None:
            await self.loader.aclose()

    @work(exit_on_error=False, group="pictures")
    async def load_pictures(self, loader: PictureLoader, slots: list[tuple[str, str]]) -> None:
        """Every picture at once, off the UI (network and decoding): each result is posted as
        it comes, for the slot (id, URL) that waits for it."""

        async def one(slot: str, url: str) -> None:
            try:
                result = await loader.load(url)
            except Exception as error:  # a bug here is shown in the slot, never silent
                result = PictureFailure(f"failed: {type(error).__name__}: {error}")
            self.post_message(PictureLoaded(slot, result))

        await asyncio.gather(*(one(slot, url) for slot, url in slots))

    @on(PictureLoaded)
    def picture_loaded(self, message: PictureLoaded) -> None:
        for slot in self.query(PictureSlot):
            if slot.id == message.slot:
                slot.show(message.result)

    def render_title(self) -> Text:
        row = self.row
        app, button = row.app, row.decision.app_page_button
        dark = self.snapshot.dark
        colour = tint(app.tint_colour, dark)
        title = Text.assemble(literal(app.name, colour=app.tint_colour, dark=dark, bold=True),
                              Text(" BETA" if row.beta else "", "bold reverse"))
        state = "" if button.enabled else " (disabled)"
        face = f"bold #FFFFFF on {colour}" if button.enabled else f"{colour} reverse dim"
        return Text("\n").join([
            title, literal(app.developer_name), literal(app.subtitle or "", limit=300),
            Text.assemble(Text(f" {button.title} ", face), Text(state, "dim"),
                          Text(f"   {row.pledge_label}" if row.pledge_label else "", "italic")),
        ])

    def render_page(self) -> Text:
        row, device = self.row, self.snapshot.device
        app, decision = row.app, row.decision
        lines: list[Text] = [
            Text(""), _collapsed(app.localized_description, DESCRIPTION_LINES, self.expanded),
        ]
        latest = decision.latest
        if latest is not None:
            when = relative_date(latest.date, device.now, device.time_zone, device.locale)
            size = byte_count(latest.size, device.locale)
            lines += [Text(""), Text.assemble(Text("Version ", "bold"),
                                              literal(latest.localized_version),
                                              Text(f" · {when} · {size}")),
                      _collapsed(latest.localized_description, NOTES_LINES, self.expanded)]
        supported = decision.latest_supported
        lines.append(Text.assemble(Text("Latest on this device: "), literal(
            supported.localized_version if supported else "none")))
        lines.append(Text(""))
        lines.append(Text("Version history", "bold"))
        lines += [Text.assemble(Text("  "), literal(v.localized_version),
                                Text(f"  {v.date:%Y-%m-%d}")) for v in app.versions[:20]]
        permissions = app.permissions
        if permissions.entitlements or permissions.privacy:
            lines.append(Text("Permissions", "bold"))
            lines += [Text.assemble(Text("  "), literal(e)) for e in permissions.entitlements]
            lines += [Text.assemble(Text("  "), literal(p.name), Text(": "),
                                    literal(p.usage_description or "(none)"))
                      for p in permissions.privacy]
        return Text("\n").join(lines)

    def action_more(self) -> None:
        self.expanded = not self.expanded
        self.query_one("#page", Static).update(self.render_page())

    def action_tap(self) -> None:
        self.dismiss("tap")

    def action_why(self) -> None:
        from altsim.ui.reasons import ReasonsScreen  # only when asked

        self.app.push_screen(ReasonsScreen(self.row, self.snapshot))
