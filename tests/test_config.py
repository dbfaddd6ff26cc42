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


def test_every_lexicon_option_can_be_set_in_the_words_stage(tmp_path):
    from cleaners.pipeline import build_resources
    from cleaners.words.lexicon import LEXICON_DEFAULTS

    assert set(LEXICON_DEFAULTS) <= set(Config().options["words"])
    path = tmp_path / "scanclean.toml"
    path.write_text("[stages.words]\nslip_untrust = false\ntrust_min_count = 3\n", encoding="utf-8")
    config = Config.from_toml(path)
    lexicon = build_resources([("d", "Koba met Koba and Koba, and then Koba left.")], config)["lexicon"]
    assert lexicon.settings["slip_untrust"] is False and lexicon.settings["trust_min_count"] == 3
    assert build_resources([("d", "Koba met Koba.")])["lexicon"].settings["slip_untrust"] is True
