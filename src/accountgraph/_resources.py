"""Where the shipped datasets and Cypher statements are, installed or in a source tree."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_TOP = _PACKAGE_DIR.parent.parent

DEFAULT_DATASET_NAME = "wipo-a46-11"


def data_dir(name: str) -> Path:
    """The ``graph`` or ``cypher`` folder: inside the wheel, else the source tree's."""
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return _SOURCE_TOP / name


def default_dataset_path() -> Path:
    return data_dir("graph") / f"{DEFAULT_DATASET_NAME}.yaml"


def dataset_schema_path() -> Path:
    return data_dir("graph") / "dataset.schema.json"


def change_set_schema_path() -> Path:
    return data_dir("graph") / "changeset.schema.json"
