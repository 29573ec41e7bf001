"""Build the bundle's llama-cpp-python wheel: backends as loadable modules, CPU kernels picked at run time.

``GGML_CPU_ALL_VARIANTS`` compiles the CPU backend once per instruction-set level: 14 levels on
x86-64, each one the whole CPU backend again (the 5 kept here, Vulkan and llama.cpp itself take 24
CPU-minutes). The bundle keeps the levels that matter on laptops and desktops (``--variants``); a
CPU between two levels runs the lower one. This downloads the sdist from PyPI, drops the other
levels from ggml's variant list (and fails if a requested level is not in it), and builds the wheel
into ``--out`` with ``CMAKE_ARGS`` set to the remaining arguments.

    python packaging/build_llama.py --version 0.3.36 --variants x64,haswell --out DIR -- -DGGML_BACKEND_DL=ON
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

VARIANT_LIST = Path("vendor/llama.cpp/ggml/src/CMakeLists.txt")
VULKAN = Path("vendor/llama.cpp/ggml/src/ggml-vulkan/ggml-vulkan.cpp")
# VK_EXT_layer_settings (Vulkan headers >= 1.3.261; Debian 12 has 1.3.239) only turns on the
# validation layer's best-practice checks: without it the instance is created the same way
LAYER_SETTINGS = (
    "    vk::LayerSettingsCreateInfoEXT layer_setting_info(settings);\n"
    "    vk::InstanceCreateInfo instance_create_info(vk::InstanceCreateFlags{}, &app_info, layers, "
    "extensions, &layer_setting_info);\n"
)

VARIANT = re.compile(r"^(\s*)ggml_add_cpu_backend_variant\((\w+)", re.MULTILINE)


def _comment_out(keep: set[str]) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group(0) if m.group(2) in keep else f"{m.group(1)}# {m.group(0).lstrip()}"


def keep_variants(cmake: Path, keep: set[str]) -> list[str]:
    """Comment out every x86 CPU variant not in ``keep``; the names dropped."""
    text = cmake.read_text(encoding="utf-8")
    start = text.index('if (GGML_SYSTEM_ARCH STREQUAL "x86")', text.index("if (GGML_CPU_ALL_VARIANTS)"))
    end = text.index("elseif", start)
    block = text[start:end]
    found = {m.group(2) for m in VARIANT.finditer(block)}
    if missing := keep - found:
        raise SystemExit(f"build_llama: no CPU variant {sorted(missing)} in {cmake} (have {sorted(found)})")
    dropped = sorted(found - keep)
    block = VARIANT.sub(_comment_out(keep), block)
    cmake.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return dropped


def guard_layer_settings(source: Path) -> bool:
    """Let ggml-vulkan compile against Vulkan headers older than 1.3.261; False if not needed."""
    text = source.read_text(encoding="utf-8")
    start = text.find("    std::vector<vk::LayerSettingEXT> settings = {\n")
    if start < 0 or LAYER_SETTINGS not in text or "VK_HEADER_VERSION >= 261" in text:
        return False
    end = text.index(LAYER_SETTINGS) + len(LAYER_SETTINGS)
    fallback = (
        "    vk::InstanceCreateInfo instance_create_info(vk::InstanceCreateFlags{}, &app_info, layers, "
        "extensions);\n"
    )
    patched = f"#if VK_HEADER_VERSION >= 261\n{text[start:end]}#else\n{fallback}#endif\n"
    source.write_text(text[:start] + patched + text[end:], encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", required=True)
    parser.add_argument("--variants", required=True, help="comma-separated ggml x86 CPU variants")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("cmake_args", nargs="*")
    args = parser.parse_args(argv)
    pip = [sys.executable, "-m", "pip"]
    with tempfile.TemporaryDirectory(prefix="hearth-llama-") as tmp:
        sdist = f"llama-cpp-python=={args.version}"
        subprocess.run([*pip, "download", "--no-deps", "--no-binary", ":all:", "-d", tmp, sdist], check=True)
        (archive,) = Path(tmp).glob("llama_cpp_python-*.tar.gz")
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        src = Path(tmp) / f"llama_cpp_python-{args.version}"
        dropped = keep_variants(src / VARIANT_LIST, set(args.variants.split(",")))
        print(f"build_llama: CPU variants {args.variants} (dropped: {', '.join(dropped)})", flush=True)
        if guard_layer_settings(src / VULKAN):
            print("build_llama: Vulkan layer settings need headers >= 1.3.261: guarded", flush=True)
        env = dict(os.environ, CMAKE_ARGS=" ".join(args.cmake_args))
        cmd = [*pip, "wheel", "--no-deps", "--no-cache-dir", "-w", str(args.out), str(src)]
        return subprocess.run(cmd, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
