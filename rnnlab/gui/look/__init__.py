"""The lowest layer of the window: theme and presentation mode, colours, symbols, small
widgets, the flow layout, settings and the modal dialogs (prompts). Imports no other gui layer."""
