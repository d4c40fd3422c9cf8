"""The intelligence: embeddings, hybrid search, retrieval evaluation."""
