"""scanclean.toml: the example in the README parses and does what it says."""

import re
from pathlib import Path

import pytest

from cleaners.pipeline import Config, clean_corpus_texts

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_toml() -> str:
    return re.search(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)


def test_readme_example_config(tmp_path):
    path = tmp_path / "scanclean.toml"
    path.write_text(readme_toml(), encoding="utf-8")
    config = Config.from_toml(path)
    assert config.enabled["dedup"] is False
    assert config.options["words"]["threshold"] == 0.9
    assert "Koba" in config.options["words"]["protected_words"]
    assert config.digest() != Config().digest()


def test_protected_word_and_disabled_stage_take_effect(tmp_path):
    text = b"It turned out lhal he had gone with them to the station.\n"
    assert "that" in clean_corpus_texts({"d": text})["d"].text
    path = tmp_path / "scanclean.toml"
    path.write_text('[stages.words]\nprotected_words = ["lhal"]\n', encoding="utf-8")
    assert "lhal" in clean_corpus_texts({"d": text}, Config.from_toml(path))["d"].text
    path.write_text("[stages.words]\nenabled = false\n", encoding="utf-8")
    assert "lhal" in clean_corpus_texts({"d": text}, Config.from_toml(path))["d"].text


def test_unknown_stage_is_an_error(tmp_path):
    path = tmp_path / "scanclean.toml"
    path.write_text("[stages.spelling]\nenabled = false\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown stage"):
        Config.from_toml(path)
