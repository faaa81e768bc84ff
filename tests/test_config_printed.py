"""The workstation config's printed-output sections: [bank], [certificates], [endorsement]."""

from __future__ import annotations

from pathlib import Path

import pytest

from cashdesk.config import BankAccount, parse_config
from cashdesk.errors import ConfigError


def test_the_defaults_are_the_citys_bank_from_the_rules() -> None:
    config = parse_config({})
    assert config.bank == BankAccount(
        name="Riverbend Community Bank", routing="121042882", account="000123456789"
    )
    assert config.certificates.image is None
    assert config.endorsement_text("utility") == "City of Riverbend Finance Department"


def test_sections_are_read(tmp_path: Path) -> None:
    image = tmp_path / "signature.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    config = parse_config(
        {
            "bank": {"name": "Second Bank", "routing": "021000021", "account": "98765432"},
            "certificates": {
                "signatory": "Dana Whitfield",
                "title": "Finance Director",
                "signature_image": "signature.png",
            },
            "endorsement": {"default": "City Finance", "utility": "City Utility Billing"},
        },
        source=tmp_path / "workstation.toml",
    )
    assert config.bank == BankAccount(name="Second Bank", routing="021000021", account="98765432")
    assert config.certificates.image == image  # relative to the config file
    assert config.certificates.signatory == "Dana Whitfield"
    assert config.endorsement_text("utility") == "City Utility Billing"
    assert config.endorsement_text("tax") == "City Finance"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bank": {"routing": "021000022"}}, "bank.routing"),
        ({"bank": {"account": "12-34"}}, "bank.account must be 4 to 17 digits"),
        ({"bank": {"branch": "x"}}, "Unknown key bank.branch"),
        ({"certificates": {"signature_image": "/nowhere/sig.png"}}, "does not exist"),
        ({"certificates": {"signature_image": "/etc/passwd"}}, ".png or .jpg"),
        ({"endorsement": {"parking": "x"}}, "Unknown key endorsement.parking"),
        ({"endorsement": {"default": "x" * 61}}, "endorsement.default must be 1 to 60"),
    ],
)
def test_bad_values_are_named(data: dict[str, dict[str, str]], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(data)
