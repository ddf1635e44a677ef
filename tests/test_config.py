"""Tests for qualcheck.config: defaults, keys, types, fail-on, qualcheck.toml and pyproject.toml."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from qualcheck.config import Config, ConfigError
from qualcheck.types import Severity


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    c = Config()
    assert c.reuse_threshold == 0.2
    assert c.shingle_size == 3
    assert c.corpus_min_count == 3
    assert c.max_edit_distance == 2
    assert c.accept == ()
    assert (c.id_column, c.title_column, c.text_column) == ("id", "title", "text")
    assert c.max_bytes == 50_000_000
    assert c.select == () and c.ignore == ()
    assert c.fail_on is Severity.ERROR


def test_empty_mapping_gives_defaults() -> None:
    assert Config.from_mapping({}) == Config()


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().reuse_threshold = 0.5  # type: ignore[misc]


def test_from_mapping_accepts_kebab_and_snake_keys() -> None:
    c = Config.from_mapping({"reuse-threshold": 0.35, "corpus_min_count": 5, "text-column": "body",
                             "max_edit_distance": 1})
    assert c.reuse_threshold == 0.35
    assert c.corpus_min_count == 5
    assert c.text_column == "body"
    assert c.max_edit_distance == 1
    assert c.shingle_size == 3  # untouched


def test_int_for_float_setting_is_converted() -> None:
    c = Config.from_mapping({"reuse-threshold": 1})
    assert c.reuse_threshold == 1.0 and isinstance(c.reuse_threshold, float)


def test_tuple_settings_take_a_string_or_a_list() -> None:
    assert Config.from_mapping({"accept": "Knetz"}).accept == ("Knetz",)
    assert Config.from_mapping({"accept": ["Knetz", "Hallyu"]}).accept == ("Knetz", "Hallyu")
    assert Config.from_mapping({"select": ("QC2",), "ignore": ["unknown-word"]}).select == ("QC2",)


@pytest.mark.parametrize("key", ["reuse-treshold", "reuse_treshold", "colour"])
def test_unknown_key_is_an_error_naming_it(key: str) -> None:
    with pytest.raises(ConfigError) as info:
        Config.from_mapping({"reuse-threshold": 0.3, key: 1})
    assert str(info.value) == f"unknown setting {key!r}"


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("reuse-threshold", "0.3"),  # string for a float
        ("reuse_threshold", True),  # bool is not a number here
        ("num-perm", 1.5),  # float for an int
        ("num_perm", "128"),
        ("shingle-size", True),
        ("text-column", 5),
        ("max-bytes", None),
        ("accept", 5),
    ],
)
def test_wrong_types_are_rejected_with_a_clear_message(key: str, value: object) -> None:
    with pytest.raises(ConfigError) as info:
        Config.from_mapping({key: value})
    assert str(info.value).startswith(f"bad value {value!r} for setting {key!r}")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("error", Severity.ERROR),
        ("warning", Severity.WARNING),
        ("info", Severity.INFO),
        ("WARNING", Severity.WARNING),
        (" Info ", Severity.INFO),
        (Severity.WARNING, Severity.WARNING),
    ],
)
def test_fail_on_parsing(value: object, expected: Severity) -> None:
    assert Config.from_mapping({"fail-on": value}).fail_on is expected


def test_bad_fail_on_names_the_choices() -> None:
    with pytest.raises(ConfigError) as info:
        Config.from_mapping({"fail_on": "fatal"})
    assert str(info.value) == (
        "bad value 'fatal' for setting 'fail_on': "
        "unknown severity 'fatal' (expected one of: info, warning, error)"
    )


def test_replace_validates_like_from_mapping() -> None:
    c = Config().replace(reuse_threshold=0.5, **{"fail-on": "info"})
    assert (c.reuse_threshold, c.fail_on) == (0.5, Severity.INFO)
    assert Config().reuse_threshold == 0.2  # the original is unchanged
    with pytest.raises(ConfigError, match="unknown setting 'reuse_treshold'"):
        Config().replace(reuse_treshold=0.5)
    with pytest.raises(ConfigError, match="bad value 'x' for setting 'num_perm'"):
        Config().replace(num_perm="x")


# --- files ---------------------------------------------------------------------------


def test_from_file_reads_qualcheck_toml_top_level(tmp_path: Path) -> None:
    path = write(tmp_path / "qualcheck.toml", """
reuse-threshold = 0.4
accept = ["Knetz", "Hallyu"]
fail-on = "warning"
text_column = "body"
""")
    c = Config.from_file(path)
    assert c.reuse_threshold == 0.4
    assert c.accept == ("Knetz", "Hallyu")
    assert c.fail_on is Severity.WARNING
    assert c.text_column == "body"
    assert c.shingle_size == Config().shingle_size  # not in the file: default kept


def test_from_file_accepts_a_string_path(tmp_path: Path) -> None:
    path = write(tmp_path / "qualcheck.toml", "num-perm = 64\n")
    assert Config.from_file(str(path)).num_perm == 64


def test_from_file_reads_tool_qualcheck_in_pyproject(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", """
[project]
name = "newsroom"
reuse-threshold = 0.9

[tool.qualcheck]
reuse-threshold = 0.25
select = ["QC2"]

[tool.ruff]
line-length = 100
""")
    c = Config.from_file(path)
    assert c.reuse_threshold == 0.25
    assert c.select == ("QC2",)


def test_pyproject_without_tool_qualcheck_gives_defaults(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[project]\nname = "newsroom"\n')
    assert Config.from_file(path) == Config()


def test_unknown_key_in_file_names_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path / "qualcheck.toml", "reuse-treshold = 0.3\n")
    with pytest.raises(ConfigError) as info:
        Config.from_file(path)
    assert str(info.value) == f"unknown setting 'reuse-treshold' in {path}"


def test_unknown_key_in_pyproject_names_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.qualcheck]\nshingles = 4\n")
    with pytest.raises(ConfigError) as info:
        Config.from_file(path)
    assert str(info.value) == f"unknown setting 'shingles' in {path}"


def test_wrong_type_in_file(tmp_path: Path) -> None:
    path = write(tmp_path / "qualcheck.toml", 'num-perm = "many"\n')
    with pytest.raises(ConfigError) as info:
        Config.from_file(path)
    assert str(info.value) == "bad value 'many' for setting 'num-perm'"


def test_malformed_toml_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path / "qualcheck.toml", "reuse-threshold = = 0.3\n")
    with pytest.raises(ConfigError) as info:
        Config.from_file(path)
    assert str(info.value).startswith(f"cannot read config {path}: ")


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match="cannot read config .*nope.toml"):
        Config.from_file(path)


def test_non_utf8_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "qualcheck.toml"
    path.write_bytes(b"accept = ['\xff\xfe']\n")
    with pytest.raises(ConfigError, match="cannot read config"):
        Config.from_file(path)
