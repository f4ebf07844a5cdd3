"""Settings: shipped defaults (settings.toml beside this file) overlaid by a user file.

The user file overrides only the keys it sets; unknown sections or keys are refused with a
coded error so a typo does not silently fall back to a default.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from copy import deepcopy
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULTS_PATH = PACKAGE_DIR / "settings.toml"
RESOURCES_DIR = PACKAGE_DIR / "resources"
PROJECT_ROOT = PACKAGE_DIR.parent


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise PipelineError("E020", str(path), "config file not found; check the --config path")
    except tomllib.TOMLDecodeError as e:
        raise PipelineError("E021", str(path), f"config file is not valid TOML ({e}); fix the syntax")


def overlay(base: dict[str, Any], user: dict[str, Any], source: str, prefix: str = "") -> dict[str, Any]:
    """Return base with the keys of user laid over it (recursively); unknown keys are errors."""
    out = deepcopy(base)
    for key, value in user.items():
        where = f"{prefix}{key}"
        if key not in base:
            known = ", ".join(sorted(base)) or "(none)"
            raise PipelineError("E022", source, f"unknown setting '{where}'; known here: {known}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise PipelineError("E022", source, f"setting '{where}' must be a table [{where}]")
            out[key] = overlay(base[key], value, source, where + ".")
        else:
            out[key] = value
    return out


def load_settings(user_file: str | Path | None = None) -> dict[str, Any]:
    settings = _read_toml(DEFAULTS_PATH)
    if user_file:
        settings = overlay(settings, _read_toml(Path(user_file)), str(user_file))
    return settings


def files_digest(paths: list[Path], root: Path = PACKAGE_DIR) -> str:
    """Short hash of files' names (relative to root) and contents, in name order."""
    h = hashlib.sha256()
    for p in sorted(paths, key=lambda q: q.relative_to(root).as_posix()):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:16]


@lru_cache(maxsize=None)
def modules_digest(*modules: str) -> str:
    """files_digest of these pipeline modules' source (by path in the package, e.g. "write/tables"),
    once per process: what the caches of derived files (rows, pages, written tables) are keyed on."""
    return files_digest([PACKAGE_DIR / f"{m}.py" for m in modules])


def settings_hash(settings: dict[str, Any]) -> str:
    """Hash of the settings that change extraction results (not paths or worker counts)."""
    relevant = {k: v for k, v in settings.items() if k not in ("run", "output")}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]
