"""The desktop app (PySide6 + pyqtgraph). `from rnnlab.gui import MainWindow`."""


def __getattr__(name):
    # Lazy, so `import rnnlab.gui.app` can show a window before the heavy modules load.
    if name == "MainWindow":
        from rnnlab.gui.window.main_window import MainWindow

        return MainWindow
    raise AttributeError(name)
