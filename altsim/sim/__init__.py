"""The simulated client: its flows over the simulated user's saved state, and the background
refresh."""
