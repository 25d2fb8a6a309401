"""credsite: compile an alliance's micro-credential catalogue into a static registry and verifier site."""

__version__ = "0.1.0"
