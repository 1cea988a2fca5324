"""`perfdash demo`: the whole loop on this machine, with generated results and no accounts."""
