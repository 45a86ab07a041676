"""Small pieces every app shares: the tracked-model base and access errors."""
