"""What this machine has: RAM, cores, and whether the installed llama.cpp build can use a GPU."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import psutil

from app import backends


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

    @property
    def vram_known(self) -> bool:
        return self.vram_free_bytes is not None

    @property
    def label(self) -> str:
        """Short text for the status bar."""
        if not self.offload_supported:
            return "CPU only"
        name = self.name or "GPU"
        if self.vram_free_bytes is None:
            return f"{name} (free memory unknown)"
        return f"{name} ({self.vram_free_bytes / 2**30:.1f} GB free)"


def _nvidia() -> tuple[str, int, int] | None:
    """Name, total and free bytes of NVIDIA GPU 0 through NVML (``nvidia-ml-py``), or None."""
    try:
        import pynvml  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
        handle = pynvml.nvmlDeviceGetHandleByIndex(0)
        info = pynvml.nvmlDeviceGetMemoryInfo(handle)
        name = pynvml.nvmlDeviceGetName(handle)
        return (name.decode() if isinstance(name, bytes) else str(name)), int(info.total), int(info.free)
    except Exception:  # no driver, no NVIDIA device: unknown, not zero
        return None


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
