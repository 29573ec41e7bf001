"""What this machine has: RAM, cores, memory bandwidth, and whether the installed llama.cpp build can
use a GPU.

Memory bandwidth is measured once (:func:`memory_bandwidth`): as many threads as llama.cpp uses (one
per physical core) each sum their share of a 256 MiB array, several times, and the fastest pass
counts (a pass slowed by another program is not what this machine can do). It takes a few hundred
milliseconds and is cached in the cache folder per CPU and core count, so later runs read a file.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import psutil

from app import atomic, backends, paths
from app.i18n import tr


@dataclass(frozen=True)
class Memory:
    total_bytes: int
    available_bytes: int


def memory() -> Memory:
    vm = psutil.virtual_memory()
    return Memory(total_bytes=int(vm.total), available_bytes=int(vm.available))


def physical_cores() -> int:
    return psutil.cpu_count(logical=False) or os.cpu_count() or 1


@dataclass(frozen=True)
class Gpu:
    offload_supported: bool  # the installed llama_cpp was built with a GPU backend and sees a device
    name: str  # "" when unknown
    vram_total_bytes: int | None  # None: unknown (Metal, Vulkan, ROCm, or CUDA without NVML) — never 0
    vram_free_bytes: int | None
    bandwidth_bytes_per_s: float | None = None  # memory bus width × clock from NVML; None: unknown

    @property
    def vram_known(self) -> bool:
        return self.vram_free_bytes is not None

    @property
    def label(self) -> str:
        """Short text for the status bar."""
        if not self.offload_supported:
            return tr("CPU only")
        name = self.name or tr("GPU")
        if self.vram_free_bytes is None:
            return tr("{name} (free memory unknown)").format(name=name)
        return tr("{name} ({free} GB free)").format(name=name, free=f"{self.vram_free_bytes / 2**30:.1f}")


def _nvidia() -> tuple[str, int, int, float | None] | None:
    """Name, total and free bytes, and memory bandwidth (bytes/s; None if NVML does not say) of
    NVIDIA GPU 0 through NVML (``nvidia-ml-py``), or None."""
    try:
        import pynvml  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
        handle = pynvml.nvmlDeviceGetHandleByIndex(0)
        info = pynvml.nvmlDeviceGetMemoryInfo(handle)
        name = pynvml.nvmlDeviceGetName(handle)
        name = name.decode() if isinstance(name, bytes) else str(name)
    except Exception:  # no driver, no NVIDIA device: unknown, not zero
        return None
    try:  # double data rate: two transfers per memory clock
        bus_bits = pynvml.nvmlDeviceGetMemoryBusWidth(handle)
        mem_mhz = pynvml.nvmlDeviceGetMaxClockInfo(handle, pynvml.NVML_CLOCK_MEM)
        bandwidth: float | None = bus_bits / 8 * mem_mhz * 1e6 * 2 if bus_bits and mem_mhz else None
    except Exception:
        bandwidth = None
    return name, int(info.total), int(info.free), bandwidth


@functools.cache
def _offload_supported() -> bool:
    import llama_cpp

    backends.load()  # a portable build's backend modules first, or llama.cpp finds none
    return bool(llama_cpp.llama_supports_gpu_offload())


def gpu() -> Gpu:
    """GPU capability of the installed llama_cpp and its free VRAM now (imports llama_cpp: call off
    the GUI thread)."""
    if not _offload_supported():
        return Gpu(False, "", None, None)
    nv = _nvidia()
    if nv is None:
        return Gpu(True, "", None, None)
    return Gpu(True, *nv)


BANDWIDTH_FILE = "memory-bandwidth.json"
BANDWIDTH_VERSION = 1  # bump when the measurement changes: cached figures are measured again
PROBE_BYTES = 256 * 2**20  # well beyond the last-level cache of laptop CPUs (8-36 MB)
PROBE_PASSES = 4


@dataclass(frozen=True)
class Bandwidth:
    bytes_per_s: float  # read bandwidth with ``threads`` threads (the fastest pass)
    threads: int
    cpu: str  # what the figure was measured on (cache key)
    measured_at: float  # Unix time
    seconds: float  # how long the measurement took

    @property
    def gb_s(self) -> float:
        return self.bytes_per_s / 1e9


def cpu_name() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else what ``platform`` knows)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def measure_bandwidth(
    threads: int | None = None,
    size: int = PROBE_BYTES,
    passes: int = PROBE_PASSES,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Read bandwidth in bytes/s: ``threads`` threads sum their slice of one array (numpy releases the
    GIL in its loops); the fastest of ``passes`` passes. One thread sums in the calling thread, so
    ``clock`` may then be ``time.thread_time`` (CPU time: what a loaded machine's scheduler takes
    away is not counted)."""
    import numpy as np

    threads = threads or physical_cores()
    data = np.ones(size // 8, dtype=np.float64)  # writing it once makes every page resident
    parts = np.array_split(data, threads)
    best = 0.0
    for _ in range(passes):
        workers = [threading.Thread(target=np.sum, args=(p,)) for p in parts] if threads > 1 else []
        t0 = clock()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        if not workers:
            np.sum(data)
        best = max(best, data.nbytes / (clock() - t0))
    return best


def memory_bandwidth(remeasure: bool = False) -> Bandwidth:
    """This machine's memory bandwidth: from the cache, or measured now (a few hundred ms: call it off
    the GUI thread). A cache written for another CPU or core count, or unreadable, is measured again."""
    threads, cpu = physical_cores(), cpu_name()
    path = paths.cache_dir() / BANDWIDTH_FILE
    if not remeasure:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.pop("version") == BANDWIDTH_VERSION and data["cpu"] == cpu and data["threads"] == threads:
                return Bandwidth(**data)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    t0 = time.perf_counter()
    bps = measure_bandwidth(threads)
    result = Bandwidth(bps, threads, cpu, time.time(), time.perf_counter() - t0)
    atomic.write_text(path, json.dumps({"version": BANDWIDTH_VERSION, **asdict(result)}))
    return result
