"""Shared fixtures. Unit tests build Docs by hand or use the `nlp` fixture (marked `model`);
tests that read ../shared skip with a reason where it is absent (CI always has it)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT, load_settings

SHARED = PROJECT_ROOT.parent / "shared"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def settings() -> dict:
    return load_settings()


@pytest.fixture(scope="session")
def nlp(settings):
    from pipeline.extract.nlp import load_model
    return load_model(settings["model"]["name"])


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus" / "dev").is_dir():
        pytest.skip(f"{SHARED} is absent: the shared dev corpus and gold are needed for this test")
    return SHARED


@pytest.fixture
def parse(nlp):
    """parse(text) -> (doc, sentences) through the real model and our sentence rule."""
    from pipeline.extract.nlp import sentences

    def _parse(text: str, article_id: str = "t"):
        doc = nlp(text)
        return doc, sentences(doc, article_id)
    return _parse
