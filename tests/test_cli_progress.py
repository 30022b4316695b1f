"""The CLI's progress line: on a terminal, redrawn in place, fitted to the terminal's width,
with no escape codes; to a file or pipe, plain lines only."""

import io
import os
import sys

import pytest

from rnnlab.cli.progress import TextReporter
from rnnlab.core.train.events import EvalEvent, StepEvent

COLUMNS = 40
END = "<end of output>"


def step(n: int) -> StepEvent:
    return StepEvent(step=n, loss=1.234, grad_norm=0.5, lr=2e-3, chars_per_s=81_234.0, chars_seen=n * 2048,
                     epoch=0.1)


def lines_drawn(screen: str) -> list[str]:
    """Each state the status line was drawn in, and each line printed, in order."""
    return [p for p in screen.replace("\r\n", "\n").replace("\r", "\n").split("\n") if p.strip()]


@pytest.fixture
def narrow_terminal():
    """A pseudo-terminal COLUMNS wide: (its stream for the reporter, a function that reads what it shows)."""
    if sys.platform == "win32":
        pytest.skip("needs a POSIX pseudo-terminal")
    import fcntl
    import pty
    import select
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, COLUMNS, 0, 0))
    stream = open(slave, "w", encoding="utf-8", closefd=True)

    def shown() -> str:
        """Everything written so far, as the terminal got it (up to an end mark written now)."""
        stream.write(END)
        stream.flush()
        got = b""
        while END.encode() not in got:
            ready, _, _ = select.select([master], [], [], 30)
            assert ready, f"the terminal got no end mark: {got!r}"
            got += os.read(master, 65536)
        return got.decode("utf-8").split(END)[0]

    yield stream, shown
    stream.close()
    os.close(master)


def test_a_terminal_gets_one_line_redrawn_within_its_width(narrow_terminal):
    stream, shown = narrow_terminal
    reporter = TextReporter(stream)
    assert reporter.interactive
    for n in (100, 500, 1000):
        reporter.draw(f"step {n:,}", n / 1000, "loss 1.234 | 81,234 chars/s | ETA 2 min 5 s")
    reporter.print_line("step 1,000: validation loss 1.5000 nats/char")
    reporter.close()
    screen = shown()
    assert "\x1b" not in screen  # no escape codes: any console draws it
    *status, printed = lines_drawn(screen)
    assert printed == "step 1,000: validation loss 1.5000 nats/char"  # a line of its own, after the status
    assert all(len(p) <= COLUMNS for p in status), status  # cut to the width, never wrapped
    assert status[-1].startswith("step 1,000 [##########] 100% loss 1.234")  # the bar keeps its room


def test_the_bar_takes_the_room_the_terminal_leaves(narrow_terminal):
    stream, shown = narrow_terminal
    reporter = TextReporter(stream)
    reporter.draw("step 5", 0.5, "ok")
    reporter.close()
    line = lines_drawn(shown())[-1]
    bar = line[line.index("[") + 1:line.index("]")]
    assert COLUMNS - 2 <= len(line) <= COLUMNS and bar.strip() and bar.count("#") == len(bar) // 2


def test_a_training_step_draws_the_bar_and_stats(narrow_terminal):
    stream, shown = narrow_terminal
    reporter = TextReporter(stream)
    reporter.on_event(step(250), 0.25)
    reporter.close()
    line = lines_drawn(shown())[-1]
    assert line.startswith("step 250 [") and " 25%" in line and len(line) <= COLUMNS


def test_braces_in_the_text_are_shown_as_they_are(narrow_terminal):
    stream, shown = narrow_terminal
    reporter = TextReporter(stream)
    reporter.draw("{x}", None, "{percentage}")
    reporter.close()
    assert lines_drawn(shown())[-1].rstrip() == "{x} {percentage}"


def test_a_file_or_pipe_gets_plain_lines_only():
    out = io.StringIO()
    reporter = TextReporter(out)
    assert not reporter.interactive and not reporter.due()
    reporter.on_event(step(10), 0.5)  # steps draw nothing there
    reporter.on_event(EvalEvent(step=10, val_loss=1.5, chars_seen=20_480), 0.5)
    reporter.message("done")
    reporter.close()
    assert out.getvalue() == "step 10: validation loss 1.5000 nats/char (2.164 bits/char)\ndone\n"
