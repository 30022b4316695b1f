"""The app's icon and splash come from the package (rnnlab/resources); without a readable icon
there is no splash at all, never one drawn from uninitialised memory."""

from rnnlab import resources
from rnnlab.gui import app


def test_the_shipped_icon_is_the_window_icon_and_the_splash(qtbot):
    assert not app.app_icon().isNull()
    screen = app.splash()
    qtbot.addWidget(screen)
    assert not screen.pixmap().isNull() and screen.pixmap().width() == 160


def test_an_unreadable_icon_means_no_splash(qtbot, monkeypatch):
    monkeypatch.setattr(resources, "icon_bytes", lambda: b"not a png")
    assert app.icon_pixmap().isNull() and app.app_icon().isNull()
    assert app.splash() is None
