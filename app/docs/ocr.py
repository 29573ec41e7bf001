"""Offline OCR for scanned pages: RapidOCR (PP-OCR models shipped inside the ``rapidocr-onnxruntime``
wheel, run by onnxruntime), used inside the extraction worker only.

:meth:`RapidOcr.read` turns a page image into text lines in reading order: top to bottom, and left
to right within a line.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from app.errors import HearthError
from app.i18n import tr

MIN_SCORE = 0.5  # recognitions below this confidence are noise (specks, ruling lines)


class RapidOcr:
    def __init__(self) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - a dependency, but say so plainly
            raise HearthError(tr("OCR needs the rapidocr-onnxruntime package")) from exc
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        self._engine: Any = RapidOCR()

    def read(self, image: object) -> str:
        """The text on ``image`` (a PIL image or an RGB array), one recognised line per line."""
        # no text-direction classifier: scans are upright, and it costs a third of the time
        result, _elapsed = self._engine(np.asarray(image), use_cls=False)
        lines = []
        for box, text, score in result or []:
            if float(score) < MIN_SCORE or not str(text).strip():
                continue
            ys = [p[1] for p in box]
            xs = [p[0] for p in box]
            lines.append((min(ys), max(ys), min(xs), str(text).strip()))
        return "\n".join(_reading_order(lines))


def _reading_order(lines: list[tuple[float, float, float, str]]) -> list[str]:
    """Boxes sorted top to bottom; boxes that overlap vertically form one line, left to right."""
    rows: list[list[tuple[float, float, float, str]]] = []
    for box in sorted(lines):
        top, bottom = box[0], box[1]
        if rows:
            last = rows[-1]
            r_top, r_bottom = min(b[0] for b in last), max(b[1] for b in last)
            overlap = min(bottom, r_bottom) - max(top, r_top)
            if overlap > 0.5 * min(bottom - top, r_bottom - r_top):
                last.append(box)
                continue
        rows.append([box])
    return [" ".join(b[3] for b in sorted(row, key=lambda b: b[2])) for row in rows]
