"""Test and benchmark support: the loopback Hub, generated PDFs, a GGUF writer and the synthetic
real-size model. ``bench/`` imports these by their public names."""
