"""The PySide6 front end: pages, dialogs, item models and the background helper.

Widgets call services and domain constructors and show what they answer; no business rule
lives here. Slow calls (posting, voiding, reprinting, signing in) run off the GUI thread
through ``operations.Background``.
"""
