"""Documents: PDF text, chunking, embeddings, the vector index and retrieval-augmented answers."""

DEFAULT_LIBRARY = "default"  # the library used when none is named (import-free: CLI and GUI use it)
