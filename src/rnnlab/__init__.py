"""rnnlab: recurrent networks from scratch in a reproducible DVC pipeline."""
