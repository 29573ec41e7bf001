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
    offload_supported: bool  # the installed llama_cpp was built with a GPU backend
    name: str  # "" when unknown
    vram_total_bytes: int  # 0 when unknown
    vram_free_bytes: int

    @property
    def label(self) -> str:
        """Short text for the status bar."""
        if not self.offload_supported:
            return "CPU only"
        if self.name:
            return f"GPU: {self.name} ({self.vram_free_bytes / 2**30:.1f} GB free)"
        return "GPU offload available"


def _nvidia() -> tuple[str, int, int]:
    try:
        import pynvml  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return "", 0, 0
    try:
        pynvml.nvmlInit()
        handle = pynvml.nvmlDeviceGetHandleByIndex(0)
        info = pynvml.nvmlDeviceGetMemoryInfo(handle)
        name = pynvml.nvmlDeviceGetName(handle)
        return (name.decode() if isinstance(name, bytes) else str(name)), int(info.total), int(info.free)
    except Exception:  # no driver, no device: treat as unknown
        return "", 0, 0


@functools.cache
def _offload_supported() -> bool:
    import llama_cpp

    backends.load()  # a portable build's backend modules first, or llama.cpp finds none
    return bool(llama_cpp.llama_supports_gpu_offload())


def gpu() -> Gpu:
    """GPU capability of the installed llama_cpp and its free VRAM now (imports llama_cpp: call off
    the GUI thread)."""
    supported = _offload_supported()
    name, total, free = _nvidia() if supported else ("", 0, 0)
    return Gpu(supported, name, total, free)
