"""Reading reference data (YAML under data/): one reader, one way to report a file that cannot be used."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from core.errors import ReferenceDataError
from core.source import DocumentError, read_config_yaml

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path) -> object:
    """The parsed file (only a regular file, see core.files); ReferenceDataError (one line naming
    the file) when it cannot be read or parsed."""
    try:
        return read_config_yaml(path, "the reference file")
    except DocumentError as exc:
        raise ReferenceDataError(str(exc)) from None


def validation_error(path: Path, exc: ValidationError) -> ReferenceDataError:
    """The first problem pydantic found, as one line naming the file and the field."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return ReferenceDataError(f"{path}: {where}: {first['msg']}".replace(": : ", ": "))


def validated(model: type[M], path: Path, *, empty_ok: bool = False) -> M:
    """The file read into `model` (an empty file is an empty mapping when `empty_ok`)."""
    raw = read_yaml(path)
    try:
        return model.model_validate(raw or {} if empty_ok else raw)
    except ValidationError as exc:
        raise validation_error(path, exc) from None
