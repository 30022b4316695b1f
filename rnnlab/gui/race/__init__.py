"""The race window: two to four cells trained side by side on one text. Imports explain/ and below."""
