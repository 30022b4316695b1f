"""The main window: composition and wiring, menus, status, view modes, its actions (checkpoints,
lessons, exports, autosave). The top layer: it may import every other."""
