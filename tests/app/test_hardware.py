"""Memory bandwidth: measured for real, cached per CPU and core count, measured again when the cache
cannot be used."""

from __future__ import annotations

import json
from pathlib import Path

from app import hardware, paths


def _cache() -> Path:
    return paths.cache_dir() / hardware.BANDWIDTH_FILE


def test_measured_once_then_read_from_the_cache() -> None:
    _cache().unlink()  # the test home starts with the session's measurement: measure here
    first = hardware.memory_bandwidth()
    assert first.bytes_per_s > 1e8 and first.threads == hardware.physical_cores()
    assert json.loads(_cache().read_text())["bytes_per_s"] == first.bytes_per_s
    assert hardware.memory_bandwidth() == first  # read back, not measured again


def test_another_cpu_or_a_damaged_cache_is_measured_again() -> None:
    first = hardware.memory_bandwidth()
    data = json.loads(_cache().read_text())
    _cache().write_text(json.dumps(data | {"cpu": "another CPU", "bytes_per_s": 1.0}))
    again = hardware.memory_bandwidth()
    assert again.bytes_per_s != 1.0 and again.cpu == hardware.cpu_name()
    _cache().write_text("{not json")
    assert hardware.memory_bandwidth().bytes_per_s > 1e8
    assert hardware.memory_bandwidth(remeasure=True).measured_at >= first.measured_at


def test_one_thread_can_be_timed_by_its_cpu_time() -> None:
    import time

    assert hardware.measure_bandwidth(1, size=64 * 2**20, passes=2, clock=time.thread_time) > 1e8
