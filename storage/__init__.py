"""Storage: one NewsStore that owns the Chroma collections and the sealing/version protocol, plus the lexical index."""
