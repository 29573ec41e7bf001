"""llama.cpp's compute backends: load them from the binding's own folder and say which were picked.

The portable build that ``make dist`` ships (``GGML_BACKEND_DL`` with ``GGML_CPU_ALL_VARIANTS``)
keeps its backends as loadable modules next to libllama: one CPU module per instruction-set level
(``libggml-cpu-x64.so`` (baseline), ``-haswell`` (AVX2), ``-alderlake`` (AVX-VNNI), ``-icelake``
(AVX-512); no AMX module: see the Makefile) and GPU ones (``libggml-vulkan.so``). ggml scores every CPU
module against this CPU and keeps the best; a GPU module whose driver or device is missing registers
no device and costs nothing. ggml looks for modules next to the executable and in the current
folder, where neither the wheel nor the bundle keeps them, so :func:`load` points it at
``llama_cpp/lib`` before anything else touches llama.cpp. A build with its backends linked in (the
development build) has them registered already, and :func:`load` only reports them. Imports
llama_cpp: call off the GUI thread.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from app.i18n import tr

DEVICE_TYPES = ("CPU", "GPU", "IGPU", "ACCEL", "META")  # enum ggml_backend_dev_type

log = logging.getLogger(__name__)
_lock = threading.Lock()  # two threads loading at once would register every module twice
_loaded: Backends | None = None
_lib: ctypes.CDLL | None = None  # libggml, once load() ran


class _Feature(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class _DlInfo(ctypes.Structure):
    _fields_ = [
        ("dli_fname", ctypes.c_char_p),
        ("dli_fbase", ctypes.c_void_p),
        ("dli_sname", ctypes.c_char_p),
        ("dli_saddr", ctypes.c_void_p),
    ]


@dataclass(frozen=True)
class Device:
    name: str  # "CPU", "Vulkan0"
    description: str  # the CPU's or GPU's model name
    kind: str  # one of DEVICE_TYPES


@dataclass(frozen=True)
class Backend:
    name: str  # "CPU", "Vulkan"
    module: str  # the library it came from, e.g. "libggml-cpu-haswell.so" ("" if unknown)
    features: tuple[str, ...]  # what it was compiled for, e.g. ("AVX", "AVX2", "FMA")


@dataclass(frozen=True)
class Backends:
    binding: str  # llama-cpp-python's version
    loaded_from: str  # the folder modules were loaded from; "" for a build with backends linked in
    backends: tuple[Backend, ...]
    devices: tuple[Device, ...]

    @property
    def summary(self) -> str:
        """One line for the About box, the log and the bundle check, e.g.
        ``CPU (libggml-cpu-haswell.so: AVX AVX2 FMA F16C BMI2), Vulkan (no device)``."""
        parts = []
        for b in self.backends:
            detail = ": ".join(filter(None, [b.module, " ".join(f for f in b.features if f != "LLAMAFILE")]))
            if b.name != "CPU" and not any(d.name.startswith(b.name) for d in self.devices):
                detail = tr("no device")
            parts.append(f"{b.name} ({detail})" if detail else b.name)
        return ", ".join(parts)


# the file libllama itself links (the wheel holds libggml.so and libggml.so.0 as two copies: loading
# the other one would give a second, empty backend registry that libllama never sees)
GGML_NAMES = ("libggml.so.0", "libggml.0.dylib", "ggml.dll", "libggml.so", "libggml.dylib")


def _ggml(lib_dir: Path) -> ctypes.CDLL:
    path = next((lib_dir / n for n in GGML_NAMES if (lib_dir / n).is_file()), lib_dir / GGML_NAMES[0])
    lib = ctypes.CDLL(str(path))
    lib.ggml_backend_reg_count.restype = ctypes.c_size_t
    lib.ggml_backend_reg_get.restype = ctypes.c_void_p
    lib.ggml_backend_reg_get.argtypes = [ctypes.c_size_t]
    lib.ggml_backend_reg_name.restype = ctypes.c_char_p
    lib.ggml_backend_reg_name.argtypes = [ctypes.c_void_p]
    lib.ggml_backend_reg_get_proc_address.restype = ctypes.c_void_p
    lib.ggml_backend_reg_get_proc_address.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.ggml_backend_load_all_from_path.restype = None
    lib.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
    lib.ggml_backend_dev_count.restype = ctypes.c_size_t
    lib.ggml_backend_dev_get.restype = ctypes.c_void_p
    lib.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
    for fn in (lib.ggml_backend_dev_name, lib.ggml_backend_dev_description):
        fn.restype = ctypes.c_char_p
        fn.argtypes = [ctypes.c_void_p]
    lib.ggml_backend_dev_type.restype = ctypes.c_int
    lib.ggml_backend_dev_type.argtypes = [ctypes.c_void_p]
    return lib


def _module_of(address: int) -> str:
    """File name of the shared library holding ``address`` (POSIX dladdr; "" elsewhere)."""
    if sys.platform == "win32" or not address:
        return ""
    try:
        dladdr = ctypes.CDLL(None).dladdr
    except AttributeError:  # glibc < 2.34 keeps it in libdl
        return ""
    info = _DlInfo()
    if not dladdr(ctypes.c_void_p(address), ctypes.byref(info)) or not info.dli_fname:
        return ""
    return Path(info.dli_fname.decode(errors="replace")).name


def _backend(lib: ctypes.CDLL, reg: int) -> Backend:
    name = (lib.ggml_backend_reg_name(reg) or b"?").decode()
    address = lib.ggml_backend_reg_get_proc_address(reg, b"ggml_backend_get_features")
    features: list[str] = []
    if address:
        get = ctypes.CFUNCTYPE(ctypes.POINTER(_Feature), ctypes.c_void_p)(address)
        table = get(reg)
        i = 0
        while table[i].name:
            features.append(table[i].name.decode())
            i += 1
    return Backend(name, _module_of(address), tuple(features))


def load() -> Backends:
    """Load the build's backend modules (once per process) and describe what was picked."""
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = _load()
            log.info("llama.cpp backends: %s", _loaded.summary)
        return _loaded


def loaded() -> Backends | None:
    """What :func:`load` found, if it ran in this process; never loads (safe on the GUI thread)."""
    return _loaded


def ggml() -> ctypes.CDLL:
    """libggml, as :func:`load` opened it (call after it)."""
    assert _lib is not None, "backends.load() first"
    return _lib


def cpu_function(name: str) -> int:
    """The address of ``name`` as the CPU backend exports it through its registry (0 if it does not):
    the way to reach the CPU backend's own API (its threadpool) in a build whose CPU kernels are a
    module loaded at run time. Call after :func:`load`."""
    lib = ggml()
    for i in range(lib.ggml_backend_reg_count()):
        reg = lib.ggml_backend_reg_get(i)
        if lib.ggml_backend_reg_name(reg) == b"CPU":
            return lib.ggml_backend_reg_get_proc_address(reg, name.encode()) or 0
    return 0


def _load() -> Backends:
    import llama_cpp

    global _lib
    lib_dir = Path(llama_cpp.__file__).resolve().parent / "lib"
    lib = _lib = _ggml(lib_dir)
    folder = ""
    if lib.ggml_backend_reg_count() == 0:  # a backend-DL build: nothing is registered yet
        lib.ggml_backend_load_all_from_path(str(lib_dir).encode())
        folder = str(lib_dir)
    backends = tuple(_backend(lib, lib.ggml_backend_reg_get(i)) for i in range(lib.ggml_backend_reg_count()))
    devices = []
    for i in range(lib.ggml_backend_dev_count()):
        dev = lib.ggml_backend_dev_get(i)
        kind = lib.ggml_backend_dev_type(dev)
        devices.append(
            Device(
                (lib.ggml_backend_dev_name(dev) or b"").decode(errors="replace"),
                (lib.ggml_backend_dev_description(dev) or b"").decode(errors="replace").strip(),
                DEVICE_TYPES[kind] if 0 <= kind < len(DEVICE_TYPES) else str(kind),
            )
        )
    return Backends(llama_cpp.__version__, folder, backends, tuple(devices))
