"""The bundle's llama.cpp keeps only the chosen CPU variants, and refuses a name ggml does not have."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "build_llama", Path(__file__).resolve().parents[2] / "packaging/build_llama.py"
)
assert SPEC and SPEC.loader
build_llama = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(build_llama)

# the shape of ggml/src/CMakeLists.txt in llama-cpp-python 0.3.36 (abridged)
CMAKE = """\
if (GGML_CPU_ALL_VARIANTS)
    if (GGML_SYSTEM_ARCH STREQUAL "x86")
        ggml_add_cpu_backend_variant(x64)
        ggml_add_cpu_backend_variant(sse42              SSE42)
        if (NOT MSVC)
            ggml_add_cpu_backend_variant(ivybridge      SSE42 AVX F16C)
        endif()
        ggml_add_cpu_backend_variant(haswell            SSE42 AVX F16C FMA AVX2 BMI2)
        if (NOT MSVC)
            ggml_add_cpu_backend_variant(sapphirerapids SSE42 AVX F16C FMA AVX2 BMI2 AVX512 AMX_TILE AMX_INT8)
        endif()
    elseif(GGML_SYSTEM_ARCH STREQUAL "ARM")
        ggml_add_cpu_backend_variant(armv8.0_1)
    endif()
endif()
"""


def test_keeps_only_the_chosen_variants(tmp_path: Path) -> None:
    cmake = tmp_path / "CMakeLists.txt"
    cmake.write_text(CMAKE)
    dropped = build_llama.keep_variants(cmake, {"x64", "haswell", "sapphirerapids"})
    assert dropped == ["ivybridge", "sse42"]
    active = [ln.split("(")[1].split()[0].rstrip(")") for ln in cmake.read_text().splitlines()
              if ln.strip().startswith("ggml_add_cpu_backend_variant")]  # fmt: skip
    assert active == ["x64", "haswell", "sapphirerapids", "armv8.0_1"]  # other architectures untouched


def test_unknown_variant_fails(tmp_path: Path) -> None:
    cmake = tmp_path / "CMakeLists.txt"
    cmake.write_text(CMAKE)
    with pytest.raises(SystemExit, match="zen9"):
        build_llama.keep_variants(cmake, {"x64", "zen9"})
    assert cmake.read_text() == CMAKE


VULKAN = (
    """\
    VkBool32 enable_best_practice = layer_settings;
    std::vector<vk::LayerSettingEXT> settings = {
        {
            "VK_LAYER_KHRONOS_validation",
            "validate_best_practices",
            vk::LayerSettingTypeEXT::eBool32,
            1,
            &enable_best_practice
        },
    };
"""
    + build_llama.LAYER_SETTINGS
    + "#ifdef __APPLE__\n"
)  # the two lines as in llama-cpp-python 0.3.36


def test_vulkan_layer_settings_guarded_for_old_headers(tmp_path: Path) -> None:
    source = tmp_path / "ggml-vulkan.cpp"
    source.write_text(VULKAN)
    assert build_llama.guard_layer_settings(source)
    text = source.read_text()
    assert text.index("#if VK_HEADER_VERSION >= 261") < text.index("vk::LayerSettingEXT")
    assert text.count("vk::InstanceCreateInfo instance_create_info(") == 2  # new headers, old headers
    assert text.endswith("#endif\n#ifdef __APPLE__\n")
    assert not build_llama.guard_layer_settings(source)  # once only
