"""Models: bundled models, GGUF headers, memory fit, the Hub, downloads and the local library."""
