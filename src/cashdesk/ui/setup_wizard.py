"""The first-run setup dialog: on a workstation with no config, IT answers a few questions and
cashdesk writes ``workstation.toml`` (validated first) and tests the devices it names.

Keyboard only: the workstation id, a name, the central ledger's URL (optional: without it the
counter works alone and the outbox waits), then one list per device (the simulator, none, or
the serial ports and printers found on this machine). **Enter** saves and tests; **Alt+T**
tests without saving; **Escape** leaves without writing anything. The rules (what each
choice writes, the validation, the test) are in ``cashdesk.first_run``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cashdesk.config import DEVICE_ROLES, Config
from cashdesk.errors import CashdeskError
from cashdesk.first_run import (
    ROLE_LABELS,
    DeviceCheck,
    SerialPort,
    SetupAnswers,
    check_devices,
    detect_printers,
    detect_serial_ports,
    device_choices,
    validated_config,
    write_config,
)

# Alt+<letter> moves to each list (the keyboard-only rule of every cashdesk screen).
_MNEMONIC_LABELS = {
    "printer": "Receipt &printer",
    "drawer": "Cash &drawer",
    "check_reader": "Check &reader",
    "display": "Customer displa&y",
}


class SetupDialog(QDialog):
    """``exec()`` returns Accepted once the config is written (``config`` and ``checks`` set)."""

    def __init__(
        self,
        path: Path,
        *,
        ports: list[SerialPort] | None = None,
        printers: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.config: Config | None = None
        self.checks: list[DeviceCheck] = []
        self.setWindowTitle("Set up this cashdesk workstation")
        self.setObjectName("setup_wizard")
        ports = detect_serial_ports() if ports is None else ports
        printers = detect_printers() if printers is None else printers

        intro = QLabel(
            "This workstation has no settings yet. They are saved to "
            f"{path} and can be changed there later."
        )
        intro.setWordWrap(True)
        self.workstation_id = QLineEdit()
        self.workstation_id.setPlaceholderText("W01")
        self.workstation_id.setMaxLength(4)
        self.workstation_id.setAccessibleName("Workstation id")
        self.workstation_name = QLineEdit()
        self.workstation_name.setPlaceholderText("Finance counter 1")
        self.workstation_name.setMaxLength(60)
        self.workstation_name.setAccessibleName("Workstation name")
        self.ledger_url = QLineEdit()
        self.ledger_url.setPlaceholderText("postgresql://cashdesk@ledger.example/riverbend")
        self.ledger_url.setAccessibleName("Central ledger URL")

        form = QFormLayout()
        form.addRow("&Workstation id", self.workstation_id)
        form.addRow("Workstation &name", self.workstation_name)
        form.addRow("Central &ledger URL (optional)", self.ledger_url)
        self.devices: dict[str, QComboBox] = {}
        for role in DEVICE_ROLES:
            combo = QComboBox()
            combo.setAccessibleName(ROLE_LABELS[role])
            for choice in device_choices(role, ports, printers):
                combo.addItem(choice.label, choice.table)
            self.devices[role] = combo
            form.addRow(_MNEMONIC_LABELS[role], combo)

        self.message = QLabel()
        self.message.setObjectName("setup_message")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.test_button = QPushButton("&Test devices")
        self.save_button = QPushButton("Save and start")
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.test_button.clicked.connect(self.test)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.workstation_id.setFocus()

    def answers(self) -> SetupAnswers:
        return SetupAnswers(
            workstation_id=self.workstation_id.text().strip().upper(),
            workstation_name=self.workstation_name.text().strip(),
            ledger_url=self.ledger_url.text().strip(),
            devices={role: dict(combo.currentData()) for role, combo in self.devices.items()},
        )

    def _show_checks(self, heading: str, checks: list[DeviceCheck]) -> None:
        lines = [heading] + [
            f"{'✓' if c.ok else '✗'} {ROLE_LABELS[c.role]}: {c.name}: {c.message}" for c in checks
        ]
        self.message.setText("\n".join(lines))

    def test(self) -> None:
        """Test the devices as chosen, writing nothing."""
        try:
            _text, config = validated_config(self.answers(), self.path)
        except CashdeskError as err:
            self.message.setText(str(err))
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            checks = check_devices(config)
        finally:
            QApplication.restoreOverrideCursor()
        self._show_checks("Device test (nothing saved yet):", checks)

    def save(self) -> None:
        try:
            config = write_config(self.answers(), self.path)
        except CashdeskError as err:
            self.message.setText(str(err))
            self.workstation_id.setFocus()
            return
        except OSError as err:
            self.message.setText(f"The settings cannot be saved to {self.path}: {err.strerror}")
            return
        self.config = config
        self.checks = check_devices(config)
        self._show_checks(f"Saved to {self.path}.", self.checks)
        self.accept()


def run_setup(path: Path, parent: QWidget | None = None) -> SetupDialog | None:
    """Show the dialog; the dialog once the config is written, None when it was left."""
    dialog = SetupDialog(path, parent=parent)
    dialog.resize(640, 0)
    return dialog if dialog.exec() == QDialog.DialogCode.Accepted else None
