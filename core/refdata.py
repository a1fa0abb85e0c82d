"""Reading reference data (YAML under data/): one reader, one way to report a file that cannot be used."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from core.errors import ReferenceDataError, first_line

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path) -> object:
    """The parsed file; ReferenceDataError (one line naming the file) when it cannot be read or parsed."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReferenceDataError(f"{path}: cannot read it ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{path}: not valid YAML: {first_line(str(exc))}") from None


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
