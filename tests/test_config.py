import pytest

from pipeline.config import load_settings, overlay, settings_hash
from pipeline.errors import PipelineError


@pytest.mark.parametrize("user,key,value", [
    ('[model]\nname = "en_core_web_md"\n', ("model", "name"), "en_core_web_md"),
    ("[run]\nworkers = 1\n", ("run", "workers"), 1),
])
def test_config_overlay_sets_only_given_keys(tmp_path, user, key, value):
    f = tmp_path / "my.toml"
    f.write_text(user)
    base, mine = load_settings(), load_settings(f)
    assert mine[key[0]][key[1]] == value
    for section in base:
        for k in base[section]:
            if (section, k) != key:
                assert mine[section][k] == base[section][k]


@pytest.mark.parametrize("user,code", [
    ("[model]\nnmae = 'x'\n", "E022"),
    ("[nosuch]\nx = 1\n", "E022"),
    ("model = 3\n", "E022"),
    ("[model\nname=", "E021"),
])
def test_config_bad_files_are_refused(tmp_path, user, code):
    f = tmp_path / "bad.toml"
    f.write_text(user)
    with pytest.raises(PipelineError) as e:
        load_settings(f)
    assert e.value.code == code and "bad.toml" in str(e.value)


@pytest.mark.parametrize("path", ["missing.toml"])
def test_config_missing_file(tmp_path, path):
    with pytest.raises(PipelineError) as e:
        load_settings(tmp_path / path)
    assert e.value.code == "E020"


@pytest.mark.parametrize("change", [{"agreements": {"confidence_generic": 0.4}}])
def test_config_settings_hash_tracks_extraction_settings(change):
    base = load_settings()
    assert settings_hash(overlay(base, change, "x")) != settings_hash(base)
    assert settings_hash(overlay(base, {"run": {"workers": 7}}, "x")) == settings_hash(base)
