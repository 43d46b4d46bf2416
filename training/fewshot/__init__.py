"""Few-shot patch-based stylization generators: model family, painter, patch training, ONNX export."""
