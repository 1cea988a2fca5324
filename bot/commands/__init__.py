"""Chat commands: the Router (text in, Reply out) and one module per group of commands."""
