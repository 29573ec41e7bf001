"""Export the bundled embedding model to ONNX for the app bundle, which runs it without PyTorch.

Usage (with the development environment, which has PyTorch): ``python packaging/export_embedder.py
OUT.onnx``. ``make dist`` runs it; ``packaging/hearth.spec`` puts the file in the bundled model's
folder as ``onnx/model.onnx``, where :class:`app.docs.embeddings.Embedder` looks for it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sentence_transformers import SentenceTransformer

from app.docs import embeddings, onnx_backend


def main(out: Path) -> None:
    model = SentenceTransformer(str(embeddings.bundled_model_dir()), device="cpu", local_files_only=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    onnx_backend.export(model[0].auto_model.eval(), part)
    part.replace(out)  # a failed export leaves no file that make would take for done
    print(f"export_embedder: {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
