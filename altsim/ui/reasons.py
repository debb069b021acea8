"""Why, next to what: the reasons behind an app page's decisions (`core.explain`), a key away.

Shown at once with JSON pointers; the source's saved copy is then read in a thread worker and
the pointers get their line:column. Every string from the source goes through `ui.text`.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from altsim.core.explain import Explanation, explain_app, located, reason_lines
from altsim.sim.simulator import Simulator
from altsim.ui.snapshot import AppRow, StoreSnapshot
from altsim.ui.text import literal, plain

TOPICS = {"visibility": "Shown or hidden", "skipped": "Version skipped",
          "latest": "Latest supported version", "update": "Update", "button": "Button",
          "install": "Tapping the button"}


def render_reasons(explanation: Explanation, located_in: str | None) -> Text:
    """The reasons as literal text: a heading per reason, its sentence and rule, then the
    fields with their pointers (and line:column once located)."""
    lines = [Text.assemble(Text("Why: ", "bold"), literal(explanation.name, bold=True)),
             Text(f"line:column in {located_in}" if located_in else
                  "JSON pointers into the source (line:column once its copy is read)", "dim")]
    for reason in explanation.reasons:
        sentence, *fields = reason_lines(reason)
        heading = ("App page button" if reason.outcome == "UPDATE (app page)"
                   else TOPICS[reason.topic])
        lines += [Text(""), Text(heading, "bold"),
                  Text(plain(sentence.split(": ", 1)[1]))]
        lines += [Text(plain(field), "italic") for field in fields]
    return Text("\n").join(lines)


class ReasonsScreen(ModalScreen[None]):
    """The reasons for one app page's decisions, for the snapshot's user, device and client."""

    BINDINGS = [Binding("escape,w", "dismiss(None)", "Back")]
    DEFAULT_CSS = """
    ReasonsScreen { align: center middle; }
    ReasonsScreen > VerticalScroll { width: 90%; height: 90%; border: round $warning;
                                     background: $surface; padding: 0 1; }
    """

    def __init__(self, row: AppRow, snapshot: StoreSnapshot) -> None:
        super().__init__()
        view, device = row.view, snapshot.device
        self.row, self.snapshot = row, snapshot
        self.explanation = explain_app(row.app, view.source, snapshot.user, device,
                                       snapshot.profile, page=True)
        self.shown = render_reasons(self.explanation, None)  # what the screen shows

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.shown, id="reasons")
        yield Footer()

    def reasons(self) -> Static:
        return self.query_one("#reasons", Static)

    def on_mount(self) -> None:
        simulator = getattr(self.app, "simulator", None)
        if isinstance(simulator, Simulator):
            path = simulator.copy_path(self.snapshot.user_state, self.row.view.identifier)
            if path is not None:
                self.run_worker(lambda: self._locate(path), thread=True, exit_on_error=False,
                                group="reasons")

    def _locate(self, path: Path) -> None:
        try:
            raw = path.read_bytes()
        except OSError:
            return  # the pointers stay as they are
        (explanation,) = located([self.explanation], raw)
        self.app.call_from_thread(self._show, explanation)

    def _show(self, explanation: Explanation) -> None:
        if not self.is_attached:  # dismissed while the copy was read
            return
        self.explanation = explanation
        self.shown = render_reasons(explanation, "the saved copy of the source")
        self.reasons().update(self.shown)
