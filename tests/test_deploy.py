"""deploy/: the systemd unit and the example office config agree with each other and with dossier."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from pipeline.config import load_settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def _unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read(DEPLOY / "dossier.service")
    return unit


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(s|min)?", value).groups()
    return float(number) * (60 if unit == "min" else 1)


def test_the_example_office_config_is_valid(tmp_path):
    settings = load_settings(config=DEPLOY / "office.example.toml", data_dir=tmp_path, environ={})
    assert settings.inbox.polling  # a network share
    assert settings.catalog_path.is_absolute()


def test_the_unit_restarts_on_failure_and_stops_gracefully_within_its_timeout(tmp_path):
    service = _unit()["Service"]
    settings = load_settings(config=DEPLOY / "office.example.toml", data_dir=tmp_path, environ={})
    assert service["ExecStart"].endswith("dossier watch")
    assert service["Restart"] == "on-failure"
    assert service["KillMode"] == "mixed"  # SIGTERM to the daemon only: it stops its own workers
    assert _seconds(service["TimeoutStopSec"]) > settings.queue.shutdown_seconds + 30


def test_the_unit_is_hardened_and_may_write_only_its_data_folder():
    service = _unit()["Service"]
    data_dir = re.search(r"^Environment=DOSSIER_DATA_DIR=(\S+)$", (DEPLOY / "dossier.service").read_text(),
                         re.MULTILINE).group(1)
    assert service["ReadWritePaths"] == data_dir == "/var/lib/dossier"
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
                       "PrivateTmp": "yes", "CapabilityBoundingSet": ""}.items():
        assert service[key] == value, key
