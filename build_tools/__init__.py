"""credsite: an alliance's micro-credential catalogue as a static registry and verifier site."""

__version__ = "0.1.0"
