"""The terminal UI: the client's store in a terminal, with the simulator's controls beside it."""
