"""The app's icon and splash come from the package (rnnlab/resources); without a readable icon
there is no splash at all, never one drawn from uninitialised memory."""

from rnnlab import resources
from rnnlab.gui import app


def test_the_shipped_icon_is_the_window_icon_and_the_splash(qtbot):
    assert not app.app_icon().isNull()
    screen = app.splash()
    qtbot.addWidget(screen)
    assert not screen.pixmap().isNull() and screen.pixmap().width() == 200


def test_an_unreadable_icon_means_no_splash(qtbot, monkeypatch):
    monkeypatch.setattr(resources, "icon_bytes", lambda: b"not a png")
    assert app.icon_pixmap().isNull() and app.app_icon().isNull()
    assert app.splash() is None


def test_the_splash_is_on_screen_when_it_returns(qtbot):
    """Exposed and painted before the heavy imports hold the event loop (one processEvents()
    left it mapped but black under X11)."""
    screen = app.splash()
    qtbot.addWidget(screen)
    assert screen.isVisible() and screen.windowHandle().isExposed()


def test_start_sets_up_the_application_once_and_main_takes_its_splash(qtbot, monkeypatch):
    monkeypatch.setattr(app, "_started", None)
    qt = app.start()
    first = app._early_splash
    assert qt.applicationName() == "rnnlab" and first is not None and first.isVisible()
    assert app.start() is qt and app._early_splash is first  # not a second splash
    first.close()
    monkeypatch.setattr(app, "_early_splash", None)
