"""Small building blocks shared by the pages and dialogs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QRegularExpressionValidator,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from cashdesk.ui import theme

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
NO_PARENT = QModelIndex()  # a table's rows hang off the invisible root
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


# An amount as it is typed: digits, thousands commas, one point and two decimals, an
# optional leading "$". Letters never reach an amount field.
MONEY_PATTERN = QRegularExpression(r"^\s*\$?\s*[0-9,]{0,13}(\.[0-9]{0,2})?\s*$")


def money_validator(parent: QObject) -> QRegularExpressionValidator:
    return QRegularExpressionValidator(MONEY_PATTERN, parent)


class EntryField(QLineEdit):
    """A line edit that reports Enter as ``entered`` and keeps the key to itself, also when
    the key arrives through a completer's popup."""

    entered = Signal()

    def __init__(self, accessible_name: str, *, money: bool = False) -> None:
        super().__init__()
        self.setAccessibleName(accessible_name)
        if money:
            self.setAlignment(RIGHT)
            self.setValidator(money_validator(self))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS and event.modifiers() in _PLAIN:
            event.accept()
            self.entered.emit()
            return
        super().keyPressEvent(event)


def line_edit(accessible_name: str, *, money: bool = False, password: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(accessible_name)
    if money:
        edit.setAlignment(RIGHT)
        edit.setValidator(money_validator(edit))
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def button(text: str, accessible_name: str, *, primary: bool = False) -> QPushButton:
    result = QPushButton(text)
    result.setAccessibleName(accessible_name)
    result.setMinimumHeight(theme.MIN_BUTTON_PX)
    if primary:
        result.setProperty("role", "primary")
    return result


def label(text: str = "", *, role: str = "", buddy: QWidget | None = None) -> QLabel:
    result = QLabel(text)
    if role:
        result.setProperty("role", role)
    if buddy is not None:
        result.setBuddy(buddy)
    result.setAccessibleName(text.replace("&", "") or role)
    return result


class MessageLabel(QLabel):
    """A line for an error or a problem: hidden while there is nothing to say."""

    def __init__(self, accessible_name: str, *, role: str = "error") -> None:
        super().__init__()
        self.setProperty("role", role)
        self.setWordWrap(True)
        self.setAccessibleName(accessible_name)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.show_message("")


def add_action(
    widget: QWidget,
    text: str,
    shortcuts: Sequence[QKeySequence | QKeySequence.StandardKey | Qt.Key | str],
    slot: Callable[[], None],
    *,
    context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
) -> QAction:
    action = QAction(text, widget)
    action.setShortcuts([QKeySequence(s) for s in shortcuts])
    action.setShortcutContext(context)
    action.triggered.connect(slot)
    widget.addAction(action)
    return action


def key_button(action: QAction, accessible_name: str, *, primary: bool = False) -> QPushButton:
    """A button that shows its key and triggers the same action as the key."""
    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    result = button(f"{action.text()}   {key}", accessible_name, primary=primary)
    result.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its key is the keyboard path
    result.clicked.connect(action.trigger)
    action.enabledChanged.connect(result.setEnabled)
    action.changed.connect(lambda: result.setToolTip(action.toolTip()))
    return result


def offer(action: QAction, refusal: str) -> None:
    """Offer ``action``, or disable it with ``refusal`` (why not) as its tooltip; its key
    button follows (``key_button``)."""
    action.setEnabled(not refusal)
    action.setToolTip(refusal or action.text())


def close_button(dialog: QDialog) -> QPushButton:
    """A dialog's "Close   Esc": Escape is its keyboard path, so the button takes no focus."""
    result = button("Close   Esc", "Close")
    result.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    result.clicked.connect(dialog.reject)
    return result


def key_row(keys: Sequence[tuple[QAction, str]], close: QPushButton | None = None) -> QHBoxLayout:
    """A panel's row of key buttons (each shows its key), then its close button on the right."""
    row = QHBoxLayout()
    for action, accessible_name in keys:
        row.addWidget(key_button(action, accessible_name))
    row.addStretch(1)
    if close is not None:
        row.addWidget(close)
    return row


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    right: bool = False  # money and counts
    stretch: bool = False


# Colour only with meaning: a drawer short in red, over in amber, a voided receipt grey and
# struck through (theme.py holds the colours and their contrast test).
ROW_COLOURS = {"short": theme.SHORT_COLOUR, "over": theme.OVER_COLOUR, "void": theme.VOID_COLOUR}


def difference_style(text: str) -> str:
    """The row style of an over/short as ``domain.drawer.describe`` words it."""
    return "short" if text.startswith("short") else "over" if text.startswith("over") else ""


class RowsModel(QAbstractTableModel):
    """A read-only table of display strings (money already formatted by Money). A row may
    carry a style: "short", "over" or "void" (see ROW_COLOURS)."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[tuple[str, ...]] = []
        self._styles: list[str] = []

    def set_rows(self, rows: Sequence[Sequence[str]], styles: Sequence[str] = ()) -> None:
        self.beginResetModel()
        self._rows = [tuple(row) for row in rows]
        self._styles = [*styles, *[""] * (len(self._rows) - len(styles))]
        self.endResetModel()

    def style(self, index: int) -> str:
        return self._styles[index]

    def row(self, index: int) -> tuple[str, ...]:
        return self._rows[index]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if self.columns[index.column()].right else LEFT
        style = self._styles[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and style in ROW_COLOURS:
            return QColor(ROW_COLOURS[style])
        if role == Qt.ItemDataRole.FontRole and style == "void":
            struck = QFont()
            struck.setStrikeOut(True)
            return struck
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if self.columns[section].right else LEFT
        return None


def table_view(model: RowsModel, accessible_name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(accessible_name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setAccessibleName(f"{accessible_name} rows")
    view.setCornerButtonEnabled(False)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setAccessibleName(f"{accessible_name} columns")
    header.setHighlightSections(False)
    for i, column in enumerate(model.columns):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if column.stretch
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(i, mode)
    return view


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Size a dialog ``width`` × ``height`` (scaled with the theme), never larger than the
    screen it opens on: on a 1280×720 counter screen it keeps its buttons in view."""
    screen = widget.screen() or QApplication.primaryScreen()
    w, h = theme.px(width), theme.px(height)
    if screen is not None:
        room = screen.availableGeometry()
        w, h = min(w, room.width() - 40), min(h, room.height() - 60)
    widget.resize(w, h)


def current_row(view: QTableView) -> int | None:
    index = view.currentIndex()
    return index.row() if index.isValid() else None


def refocus(widget: QWidget) -> None:
    """Give the keyboard back to ``widget`` (after a dialog closed, or a step ended); an
    open dialog keeps it until it closes."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    if QApplication.activeModalWidget() is None:
        widget.window().activateWindow()


def confirm(
    parent: QWidget,
    *,
    title: str,
    text: str,
    yes: str,
    no: str,
    on_yes: Callable[[], None],
    on_no: Callable[[], None] | None = None,
) -> QMessageBox:
    """Ask without blocking (``open``, not ``exec``). The safe answer is the default and
    Escape; the other is taken with its underlined letter."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setAccessibleName(title)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    for each, name in ((yes_button, yes), (no_button, no)):
        each.setAccessibleName(name.replace("&", ""))
        each.setMinimumHeight(theme.MIN_BUTTON_PX)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)

    def answered() -> None:
        if box.clickedButton() is yes_button:
            on_yes()
        elif on_no is not None:
            on_no()

    box.finished.connect(answered)
    box.open()
    return box
