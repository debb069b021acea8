"""The app page (spec §10.6): name, developer, the install button as the client draws it, the
pledge label, description (5 lines) and version notes (3 lines), size, permissions, screenshots."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from altsim.core import store
from altsim.core.formatting import byte_count, relative_date
from altsim.ui.snapshot import AppRow, StoreSnapshot
from altsim.ui.text import literal, paragraph, tint

DESCRIPTION_LINES, NOTES_LINES = 5, 3  # §10.6: collapsed, with "more"


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
                Binding("m", "more", "More")]
    DEFAULT_CSS = """
    AppPage { align: center middle; }
    AppPage > VerticalScroll { width: 90%; height: 90%; border: round $accent;
                               background: $surface; padding: 0 1; }
    """

    def __init__(self, row: AppRow, snapshot: StoreSnapshot) -> None:
        super().__init__()
        self.row, self.snapshot, self.expanded = row, snapshot, False

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.render_page(), id="page")
        yield Footer()

    def render_page(self) -> Text:
        row, device = self.row, self.snapshot.device
        app, decision = row.app, row.decision
        button = decision.app_page_button
        dark = self.snapshot.dark
        title = Text.assemble(Text("▐██▌ ", tint(app.tint_colour, dark)),  # the icon's place
                              literal(app.name, colour=app.tint_colour, dark=dark, bold=True),
                              Text(" BETA" if row.beta else "", "bold reverse"))
        state = "" if button.enabled else " (disabled)"
        lines: list[Text] = [
            title, literal(app.developer_name),
            literal(app.subtitle or "", limit=300),
            Text.assemble(Text(f"[ {button.title} ]{state}", "bold"),
                          Text(f"   {row.pledge_label}" if row.pledge_label else "", "italic")),
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
        shots = store.screenshots_for(app, device.family)
        if shots:
            lines.append(Text(f"Screenshots ({device.family})", "bold"))
            lines += [Text.assemble(Text("  "), literal(s.screenshot.image_url, limit=80),
                                    Text(f"  {s.aspect:.3f}{' rounded' if s.rounded else ''}"))
                      for s in shots]
        return Text("\n").join(lines)

    def action_more(self) -> None:
        self.expanded = not self.expanded
        self.query_one("#page", Static).update(self.render_page())

    def action_tap(self) -> None:
        self.dismiss("tap")
