"""The window's panels: text, model, training, sampling (and its controller, sample columns),
the download dialog. Imports plots/, workers/, look/."""
