"""The pipeline's stages, one module each, in the order they run."""
