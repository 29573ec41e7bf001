"""Documents: PDF text, chunking, embeddings, the vector index and retrieval-augmented answers."""
