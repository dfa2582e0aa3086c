"""Configuration is data: defaults from configs/default.toml, overrides by file, env and options."""

import pytest

from pipeline.config import DEFAULT_CONFIG, load_settings
from pipeline.errors import ConfigError


def test_defaults_come_from_the_shipped_file(tmp_path):
    settings = load_settings(data_dir=tmp_path, environ={})
    assert settings.config_path == DEFAULT_CONFIG
    assert settings.ocr.languages == "vie"
    assert settings.db_url == f"sqlite:///{tmp_path / 'dossier.sqlite3'}"
    assert settings.inbox_dir == tmp_path / "inbox"
    assert settings.catalog_path == DEFAULT_CONFIG.parent / "catalog.toml"


def test_an_office_file_overrides_only_what_it_names(tmp_path):
    office = tmp_path / "office.toml"
    office.write_text('[office]\ndistrict = "BINH-THANH"\n[inbox]\npath = "scans"\n', encoding="utf-8")
    settings = load_settings(config=office, data_dir=tmp_path / "d", environ={})
    assert settings.office.district == "BINH-THANH"
    assert settings.inbox_dir == tmp_path / "scans"  # relative to the config file
    assert settings.ocr.dpi == 300  # untouched default
    assert settings.catalog_path == DEFAULT_CONFIG.parent / "catalog.toml"  # relative to default.toml


def test_environment_and_options_take_precedence(tmp_path):
    env = {"DOSSIER_DATA_DIR": str(tmp_path / "env"), "DOSSIER_DB_URL": "sqlite:///x.db"}
    assert load_settings(environ=env).data_dir == tmp_path / "env"
    assert load_settings(environ=env).db_url == "sqlite:///x.db"
    assert load_settings(data_dir=tmp_path / "opt", environ=env).data_dir == tmp_path / "opt"


@pytest.mark.parametrize("content, message", [
    ('[ocr]\nlanguage = "vie"\n', "unknown key ocr.language"),
    ('[nonsense]\nx = 1\n', "unknown section [nonsense]"),
    ('[ocr]\ndpi = "high"\n', "ocr.dpi must be int"),
    ('[ocr\n', "invalid TOML"),
])
def test_mistakes_in_a_config_file_are_reported_with_the_file(tmp_path, content, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config=bad, environ={})
    assert message in caught.value.one_line()
    assert str(bad) in caught.value.one_line()
