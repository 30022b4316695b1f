"""Lessons in the window: open one (text, settings, panels, checkpoint, race) in one go,
or save what is on screen as one. The file format and all checks are rnnlab.core.io.lesson.

Opening replaces the model, so unsaved training is offered for saving first. Panels a
lesson hides come back with View > Show all panels.
"""

from __future__ import annotations

import html
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from rnnlab import resources
from rnnlab.core.data.corpus import CorpusError, is_named_source
from rnnlab.core.io.checkpoint import CheckpointError
from rnnlab.core.io.lesson import SUFFIX, VIEWS, Lesson, LessonError, read_lesson, write_lesson
from rnnlab.core.io.run_state import save_trainer
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.race import parse_cells
from rnnlab.gui.panels.training_panel import UNSHOWN
from rnnlab.gui.window.interface import WindowInterface

SHIPPED = resources.lessons_folder()  # rnnlab/resources/lessons, in the wheel as in a checkout
MAX_EMBEDDED_CHARS = 4_000_000  # a file text larger than this is not copied into a lesson


def open_lesson(window: WindowInterface, path: str) -> bool:
    """Read and apply the lesson at `path`; a problem is shown in the message bar."""
    try:
        lesson = read_lesson(path)
    except LessonError as exc:
        window.show_message(f"Could not open the lesson {os.path.basename(path)}: {exc}", "error")
        return False
    if window.session.dirty and not window.settle_unsaved():
        return False
    return apply_lesson(window, lesson)


def apply_lesson(window: WindowInterface, lesson: Lesson) -> bool:
    window.end_lesson()
    sampling_before, hidden_before = _sampling(window.sampling_panel.settings()), window.hidden_panels()

    def undo() -> None:  # when the lesson's text is left: the settings from before it come back
        window.sampling_panel.set_settings(sampling_before)
        window.set_hidden_panels(hidden_before)

    window.discard_model()
    panel, failures = window.data_panel, []
    panel.corpus_failed.connect(failures.append)
    try:
        loaded = panel.load_source(lesson.corpus) if lesson.corpus else panel.use_text(lesson.text, lesson.text_name)
    finally:
        panel.corpus_failed.disconnect(failures.append)
    if not loaded:
        why = failures[0] if failures else "unknown reason"
        window.show_message(f"The lesson's text could not be opened: {why}", "error")
        return False
    corpus = panel.corpus()
    current = window.model_panel.model_config(len(corpus.vocab))
    window.model_panel.set_config(replace(current, **lesson.model))
    tp = window.training_panel
    # What the lesson leaves out of its schedule is the default, not the last preset's.
    defaults = TrainConfig()
    schedule = {name: getattr(defaults, name) for name in UNSHOWN}
    tp.set_config(replace(tp.train_config(window.model_panel.device()), **{**schedule, **lesson.training}))
    tp.set_budget(lesson.budget)
    window.sampling_panel.set_settings(lesson.sampling)
    window.set_hidden_panels(lesson.hide)
    if lesson.view:
        window.explain.show_view_named(lesson.view)
    if lesson.checkpoint is not None and not _open_embedded_checkpoint(window, lesson.checkpoint, corpus):
        return False
    if lesson.race:
        _open_race(window, lesson.race, lesson.sampling)
    banner = f"<b>Lesson: {_escape(lesson.title)}</b>"
    banner += f"<br>{_escape(lesson.description)}" if lesson.description else ""
    window.show_message(banner, "info")
    window.begin_lesson(corpus, banner, undo)
    return True


def _open_embedded_checkpoint(window: WindowInterface, data: bytes, corpus) -> bool:
    fd, tmp = tempfile.mkstemp(suffix=".rnnlab")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        trainer = window.session.open(tmp, corpus)
    except (CheckpointError, CorpusError, OSError, ValueError) as exc:
        window.show_message(f"The lesson's model could not be opened: {exc}", "error")
        return False
    finally:
        os.unlink(tmp)
    window.session.path = None  # Save asks where: never back into a temporary file
    window.show_trainer(trainer)
    return True


def _open_race(window: WindowInterface, race: dict, sampling: dict) -> None:
    cells = {cell for cell, _, _ in parse_cells(race.get("cells", "rnn,lstm,gru"))}
    window.open_race().configure(sampling, cells, race.get("seconds"), race.get("fair", "time"))


def lesson_from_window(window: WindowInterface, title: str, checkpoint: bytes | None) -> Lesson:
    """What is on screen as a lesson (with the model's checkpoint, if given). Raises
    LessonError when it cannot be one."""
    corpus = window.session.trainer.corpus if window.session.trainer else window.data_panel.corpus()
    if corpus is None:
        raise LessonError("open a text first")
    named = str(corpus.source) if is_named_source(str(corpus.source)) else None
    if named is None and corpus.n_chars > MAX_EMBEDDED_CHARS:
        raise LessonError(f"the text has {corpus.n_chars:,} characters; a lesson holds at most "
                          f"{MAX_EMBEDDED_CHARS:,}")
    model = window.model_panel.model_config(len(corpus.vocab)).to_dict()
    train = window.training_panel.train_config(window.model_panel.device())
    tab = window.explain.view_name()
    return Lesson(
        title=title, corpus=named, text=None if named else corpus.decode(0, corpus.n_chars),
        text_name=corpus.name,
        model={k: model[k] for k in ("cell", "hidden", "layers", "embedding", "dropout")},
        training={"batch": train.batch, "seq": train.seq, "lr": train.lr, "optimizer": train.optimizer,
                  "clip": train.clip, "carry_hidden": train.carry_hidden},
        budget=window.training_panel.budget_spec(),
        sampling=_sampling(window.sampling_panel.settings()),
        hide=window.hidden_panels(), view=tab if tab in VIEWS else None,
        checkpoint=checkpoint)


def _sampling(settings) -> dict:
    d = {"prime": settings.prime, "length": settings.length, "temperature": settings.temperature,
         "top_k": settings.top_k}
    return d if settings.seed is None else {**d, "seed": settings.seed}


def checkpoint_bytes(trainer) -> bytes:
    """The trainer as a checkpoint file's bytes (a model read: between steps)."""
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "model.rnnlab")
    try:
        save_trainer(path, trainer)
        return Path(path).read_bytes()
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(folder)


def save_lesson(window: WindowInterface, path: str, with_checkpoint: bool) -> bool:
    """Write what is on screen as a lesson; with the model, its weights are read between
    two training steps in the saving thread first. False when it failed at once."""
    if not path.endswith(SUFFIX):
        path += SUFFIX
    if not with_checkpoint or window.session.trainer is None:
        return _write_lesson(window, path, None)
    outcome: list[bool] = []
    window.model_reads("lesson").request(checkpoint_bytes,
                                         lambda data: outcome.append(_write_lesson(window, path, data)),
                                         lambda exc: outcome.append(_lesson_failed(window, exc)))
    return outcome != [False]


def _write_lesson(window: WindowInterface, path: str, checkpoint: bytes | None) -> bool:
    try:
        lesson = lesson_from_window(window, Path(path).name.removesuffix(SUFFIX), checkpoint)
        write_lesson(path, lesson)
    except (LessonError, OSError, CheckpointError) as exc:
        return _lesson_failed(window, exc)
    window.show_status(f"Saved the lesson {path}", 5000)
    return True


def _lesson_failed(window: WindowInterface, exc: Exception) -> bool:
    window.show_message(f"Could not save the lesson: {exc}", "error")
    return False


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")

