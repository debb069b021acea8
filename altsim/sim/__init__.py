"""The simulated client: its flows over the persistent world, and the background refresh."""
