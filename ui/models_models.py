"""Item models of the Models page: installed models, recommendations, Hub search, Hub files, downloads.

Each model is a thin table over plain rows computed off the GUI thread (ui.jobs); ``set_rows``
swaps them in with a model reset, and downloads update single rows with ``dataChanged``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette

from app.i18n import tr, tr_noop
from app.models import fit
from app.models.catalog import Pick
from app.models.download import Progress
from app.models.hub import FilePlan, RemoteFile, RepoResult
from app.models.library import Installed

R = TypeVar("R")
RowState = Literal["queued", "downloading", "paused", "done", "failed", "cancelled"]
Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object itself
FRACTION_ROLE = Qt.ItemDataRole.UserRole + 2  # download progress 0..1
# a download's state as the table shows it
STATE_TEXT: dict[RowState, str] = {
    "queued": tr_noop("queued"), "downloading": tr_noop("downloading"), "paused": tr_noop("paused"),
    "done": tr_noop("done"), "failed": tr_noop("failed"), "cancelled": tr_noop("cancelled"),
}  # fmt: skip

# verdict colours (fits, tight, does not fit) on a light base and on a dark one: the light set is
# too dark to read on a dark table, so the palette picks (a light/dark switch repaints the views)
VERDICT_LIGHT = ("#1b7f3b", "#9a6700", "#b42318")
VERDICT_DARK = ("#5ccf7e", "#e3b341", "#ff7b72")


def verdict_palette() -> tuple[QColor, QColor, QColor]:
    dark = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
    green, amber, red = VERDICT_DARK if dark else VERDICT_LIGHT
    return QColor(green), QColor(amber), QColor(red)


def gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


def speed(report: fit.FitReport | None, approximate: bool = False) -> str:
    """Predicted generation speed for a table cell ("≈" when planned from approximate figures)."""
    tps = report.predicted_tokens_per_s if report else None
    return "" if tps is None else f"{'≈' if approximate else '~'}{tps:.0f} tok/s"


def verdict_color(report: fit.FitReport | None) -> QColor | None:
    if report is None:
        return None
    green, amber, red = verdict_palette()
    if not report.fits:
        return red
    return amber if report.kind in ("tight", "partial", "vram unknown") else green


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of rows; subclasses say how a cell looks."""

    headers: tuple[str, ...] = ()  # English, marked with tr_noop; shown through header_text

    def header_text(self, section: int) -> str:
        return tr(self.headers[section])

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[R] = []

    def set_rows(self, rows: list[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.headers):
            return self.header_text(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == ROW_ROLE:
            return row
        return self.cell(row, index.column(), role)

    def cell(self, row: R, column: int, role: int) -> Any:
        raise NotImplementedError

    def row_at(self, index: Index) -> R | None:
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None


@dataclass
class InstalledRow:
    model: Installed
    report: fit.FitReport | None


class InstalledModel(RowsModel[InstalledRow]):
    headers = (tr_noop("Model"), tr_noop("Quant"), tr_noop("Size"), tr_noop("Memory fit"), tr_noop("Speed"),
               tr_noop("Source"))  # fmt: skip

    def cell(self, row: InstalledRow, column: int, role: int) -> Any:
        m, rep = row.model, row.report
        if role == Qt.ItemDataRole.DisplayRole:
            fit_text = rep.verdict if rep else m.problem
            source = tr("tiny demo model (starter)") if m.source == "starter" else m.source
            return (m.name, m.quant, gb(m.size), fit_text, speed(rep), source)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return rep.summary if rep else m.error or str(m.path)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            color = verdict_color(rep) if rep else verdict_palette()[2]
            return QBrush(color) if color else None
        return None


class RecommendedModel(RowsModel[Pick]):
    """The "Download" column is the download's size: header_text gives it a text of its own."""

    headers = (tr_noop("Model"), tr_noop("Quant"), "Download", tr_noop("Needs"), tr_noop("Speed"),
               tr_noop("Source"), tr_noop("Repo"))  # fmt: skip

    def header_text(self, section: int) -> str:
        return tr("Download", "size of the download") if section == 2 else super().header_text(section)

    def cell(self, row: Pick, column: int, role: int) -> Any:
        e, rep = row.entry, row.report
        approx = "≈" if row.approximate else ""
        if role == Qt.ItemDataRole.DisplayRole:
            source = tr("curated") if e.source == "curated" else tr("Hub: most downloaded")
            return (e.name, e.quant, f"{approx}{gb(e.size_gb * 1e9)}", f"{approx}{gb(rep.ram_bytes)}",
                    speed(rep, row.approximate), source, e.repo)[column]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole:
            note = (
                " " + tr("Sizes are approximate until Hearth reads the file's header.")
                if row.approximate
                else ""
            )
            return f"{e.repo} / {e.file}\n{rep.summary}{note}"
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            color = verdict_color(rep)
            return QBrush(color) if color else None
        return None


class SearchModel(RowsModel[RepoResult]):
    headers = (tr_noop("Repo"), tr_noop("Downloads"), tr_noop("Likes"))

    def cell(self, row: RepoResult, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            name = row.repo_id + ("  " + tr("(gated)") if row.gated else "")
            return (name, f"{row.downloads:,}", str(row.likes))[column]
        return None


class FilesModel(RowsModel[FilePlan]):
    headers = (tr_noop("File"), tr_noop("Quant"), tr_noop("Size"), tr_noop("Needs"), tr_noop("Fit"),
               tr_noop("Speed"))  # fmt: skip

    def cell(self, row: FilePlan, column: int, role: int) -> Any:
        rep = row.report
        if role == Qt.ItemDataRole.DisplayRole:
            badge = tr("★ best: {verdict}").format(verdict=rep.verdict) if row.best else rep.verdict
            count = len(row.remote.parts)
            parts = " " + tr("({count} parts)").format(count=count) if count > 1 else ""
            return (
                row.remote.filename + parts,
                row.remote.quant,
                gb(row.remote.size),
                gb(rep.ram_bytes),
                badge,
                speed(rep),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return rep.summary
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            color = verdict_color(rep)
            return QBrush(color) if color else None
        if role == Qt.ItemDataRole.FontRole and row.best:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None


@dataclass(eq=False)
class DownloadRow:
    remote: RemoteFile
    state: RowState = "queued"
    progress: Progress | None = None
    message: str = ""
    path: str = ""
    discard: bool = False  # cancelled by the user: delete the partial file once the job stops

    @property
    def fraction(self) -> float:
        if self.state == "done":
            return 1.0
        return self.progress.fraction if self.progress else 0.0


class DownloadsModel(RowsModel[DownloadRow]):
    headers = (tr_noop("File"), tr_noop("Progress"), tr_noop("Speed"), tr_noop("ETA"), tr_noop("State"))

    def add(self, row: DownloadRow) -> None:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(row)
        self.endInsertRows()

    def changed(self, row: DownloadRow) -> None:
        if row in self.rows:
            i = self.rows.index(row)
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.headers) - 1))

    def cell(self, row: DownloadRow, column: int, role: int) -> Any:
        p = row.progress
        if role == FRACTION_ROLE:
            return row.fraction
        if role == Qt.ItemDataRole.DisplayRole:
            speed = (
                f"{p.speed_bps / 1e6:.1f} MB/s" if p and p.speed_bps and row.state == "downloading" else ""
            )
            eta = f"{p.eta_s:.0f} s" if p and p.eta_s is not None and row.state == "downloading" else ""
            state = tr(STATE_TEXT[row.state]) + (f": {row.message}" if row.message else "")
            return (row.remote.filename, f"{row.fraction:.0%}", speed, eta, state)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.message or row.path or row.remote.repo_id
        return None
