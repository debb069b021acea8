"""Pages over the store: a source's About page (behaviour.md 10.2, 10.5) and the notification
history."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from altsim.core import store
from altsim.core.formatting import relative_date
from altsim.core.model import Source
from altsim.state import SourceRecord
from altsim.ui.snapshot import StoreSnapshot
from altsim.ui.text import literal, paragraph, plain, tint

PAGE_CSS = """
{name} {{ align: center middle; }}
{name} > VerticalScroll {{ width: 90%; height: 90%; border: round $accent;
                           background: $surface; padding: 0 1; }}
"""


class TextPage(ModalScreen[None]):
    """A scrollable page of Rich text; Escape goes back."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back")]
    DEFAULT_CSS = PAGE_CSS.format(name="TextPage")

    def __init__(self, body: Text) -> None:
        super().__init__()
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.body)
        yield Footer()


def source_page(view: store.SourceForUser, record: SourceRecord, snapshot: StoreSnapshot
                ) -> Text:
    """The source's About page: header in its tint, featured apps, first 5 news, website."""
    source, device, dark = view.source, snapshot.device, snapshot.dark
    lines: list[Text] = [
        Text.assemble(Text("  ", style="on " + tint(source.tint_colour, dark)), Text(" "),
                      literal(source.name, colour=source.tint_colour, dark=dark, bold=True)),
        literal(store.source_subtitle(view), limit=300),
        Text(f"{len(view.visible)} apps · {plain(record.identifier)}", "dim"),
    ]
    if view.error:  # behaviour.md 9.2: the "!" row's error, in the client's way (17.1)
        lines += [Text(""), Text.assemble(Text("! ", "bold red"), literal(view.error))]
    if view.spinning:  # behaviour.md 15.1: a spinner that never resolves, and no error
        lines += [Text(""), Text("Loading… (the client shows a spinner, for good)", "dim")]
    if source.description:
        lines += [Text(""), paragraph(source.description)]
    lines += [Text(""), Text("Featured", "bold")]
    featured = store.about_featured(view)
    lines += [Text.assemble(Text("  "), literal(app.name, colour=app.tint_colour, dark=dark))
              for app in featured] or [Text("  (none)", "dim")]
    lines += [Text(""), Text("News", "bold")]
    for item in store.about_news(view):
        when = relative_date(item.date, device.now, device.time_zone, device.locale)
        lines.append(Text.assemble(Text(f"  {when}  "),
                                   literal(item.title, colour=item.tint_colour, dark=dark)))
    if source.website:
        lines += [Text(""), Text.assemble(Text("Website: "), literal(source.website))]
    return Text("\n").join(lines)


def history_page(entries: list[tuple[str, str, str]]) -> Text:
    """The notifications posted so far (time, title, body), newest first."""
    if not entries:
        return Text("No notifications yet. A background refresh (b) posts them.", "dim")
    return Text("\n").join([Text("Notifications", "bold"), *(
        Text.assemble(Text(f"{at}  ", "dim"), literal(title, bold=True), Text(": "),
                      literal(body))
        for at, title, body in reversed(entries))])


class ConfirmSource(ModalScreen[bool]):
    """behaviour.md 9.5: the fetched source, then "Would you like to add the source “<name>”?"."""

    BINDINGS = [Binding("y", "dismiss(True)", "Add"), Binding("n,escape", "dismiss(False)",
                                                                "Cancel")]
    DEFAULT_CSS = PAGE_CSS.format(name="ConfirmSource")

    def __init__(self, source: Source, identifier: str, dark: bool) -> None:
        super().__init__()
        self.source, self.identifier, self.dark = source, identifier, dark

    def compose(self) -> ComposeResult:
        source = self.source
        lines = [literal(source.name, colour=source.tint_colour, dark=self.dark, bold=True),
                 Text(plain(self.identifier), "dim"),
                 Text(f"{len(source.apps)} apps, {len(source.news)} news items"), Text("")]
        lines += [Text.assemble(Text("  "), literal(app.name)) for app in source.apps[:10]]
        lines += [Text(""), Text.assemble(Text("Would you like to add the source “"),
                                          literal(source.name), Text("”? (y/n)", "bold"))]
        with VerticalScroll():
            yield Static(Text("\n").join(lines))
        yield Footer()
