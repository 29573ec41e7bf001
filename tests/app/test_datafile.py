"""Data files: a damaged file is kept aside and reported once; writers in two processes lose nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import datafile
from app.errors import HearthError


def test_damaged_file_is_moved_aside_never_overwritten(tmp_path: Path, notices: list[str]) -> None:
    path = tmp_path / "data.json"
    path.write_text("[1, 2")
    assert datafile.read_json(path, "The list", "an empty list") is None
    (bad,) = tmp_path.glob("data.json.bad-*")
    assert bad.read_text() == "[1, 2" and not path.exists()
    assert notices == [
        f"The list (data.json) could not be read (Expecting ',' delimiter: line 1 column 6 (char 5)). "
        f"It was kept as {bad.name} in {tmp_path}; Hearth continues with an empty list."
    ]
    datafile.update(path, "The list", "an empty list", lambda d: d.update(a=1))
    assert datafile.read_json(path, "The list", "an empty list") == {"a": 1}
    path.write_text('"a string"')  # valid JSON, but not an object: kept aside as well
    assert datafile.read_json(path, "The list", "an empty list") is None
    assert len(list(tmp_path.glob("data.json.bad-*"))) == 2 and len(notices) == 2


def test_notices_wait_for_a_front_end_and_are_shown_once(tmp_path: Path) -> None:
    datafile.set_reporter(None)
    (tmp_path / "a.json").write_text("{")
    datafile.read_json(tmp_path / "a.json", "A", "nothing")
    shown: list[str] = []
    datafile.set_reporter(shown.append)
    assert len(shown) == 1 and "A (a.json)" in shown[0]
    datafile.set_reporter(shown.append)
    assert len(shown) == 1


def test_busy_lock_is_a_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "x"
    with (
        datafile.locked(path),
        pytest.raises(HearthError, match="someone else"),
        datafile.locked(path, "someone else"),
    ):
        pass
    with datafile.locked(path, "free again"):
        pass
