"""What the window's helper modules (lessons, autosaver, report export) may use of it.

They take the MainWindow as `window` and touch only these members: the parts it is built
of, and a few public actions. tests/test_window_interface.py checks that they use nothing
else, and that no module of the window reaches into another's private names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rnnlab.gui.explain.tabs import ExplainTabs
    from rnnlab.gui.look.prompts import Prompts
    from rnnlab.gui.panels.data_panel import DataPanel
    from rnnlab.gui.panels.model_panel import ModelPanel
    from rnnlab.gui.panels.sampling_controller import SamplingController
    from rnnlab.gui.panels.sampling_panel import SamplingPanel
    from rnnlab.gui.panels.training_panel import TrainingPanel
    from rnnlab.gui.plots.loss_plot import LossPlotPanel
    from rnnlab.gui.race.window import RaceWindow
    from rnnlab.gui.workers.model_reads import ModelReads
    from rnnlab.gui.workers.training_session import TrainingSession


class WindowInterface(Protocol):
    # its parts
    session: TrainingSession
    prompts: Prompts
    sampling: SamplingController
    data_panel: DataPanel
    model_panel: ModelPanel
    training_panel: TrainingPanel
    sampling_panel: SamplingPanel
    loss_plot: LossPlotPanel
    explain: ExplainTabs

    # its actions
    def show_message(self, text: str, kind: str = "info") -> None: ...
    def show_status(self, text: str, ms: int = 5000) -> None: ...
    def update_title(self) -> None: ...
    def settle_unsaved(self) -> bool: ...
    def discard_model(self) -> None: ...
    def show_trainer(self, trainer) -> None: ...
    def open_checkpoint(self, path: str, then=None) -> bool: ...
    def open_race(self) -> RaceWindow: ...
    def model_reads(self, purpose: str) -> ModelReads: ...
    def set_hidden_panels(self, hide) -> None: ...
    def begin_lesson(self, corpus, banner: str, undo) -> None: ...
    def end_lesson(self) -> None: ...
    def hidden_panels(self) -> tuple[str, ...]: ...
