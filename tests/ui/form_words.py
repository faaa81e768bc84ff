"""What a lead is asked to type in a form dialog: its heading's last line and the labels of
the user-name and secret fields, as a person reads them (issue 24, defect 10)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from cashdesk.ui.forms import FormDialog


def credential_words(dialog: FormDialog, name_key: str, secret_key: str) -> tuple[str, ...]:
    labels = dialog.findChildren(QLabel)
    by_buddy = {id(each.buddy()): each.text().replace("&", "") for each in labels if each.buddy()}
    heading = next(each.text() for each in labels if "user name and" in each.text())
    return (
        heading.splitlines()[-1],
        by_buddy[id(dialog.inputs[name_key])],
        by_buddy[id(dialog.inputs[secret_key])],
    )
