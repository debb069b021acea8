"""altsim: see what the AltStore and SideStore clients make of a source, before users do."""

__version__ = "0.1.0"
