"""Print what the app bundle installs: the project's dependencies less those only a source install needs.

PyTorch and sentence-transformers (400 MB in the bundle, with SciPy): the bundle runs the embedding
model on onnxruntime (``packaging/export_embedder.py``). onnx: it only exports and quantizes models,
which needs PyTorch anyway. Usage: ``python packaging/runtime_requirements.py > R.txt; pip install -r R.txt``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

SOURCE_ONLY = {"torch", "sentence-transformers", "onnx"}

project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
for requirement in project["dependencies"]:
    name = re.split(r"[\[=<>!~;\s]", requirement, maxsplit=1)[0].lower()
    if name not in SOURCE_ONLY:
        print(requirement)
