"""The verifier's inside: nothing here is a public name (see `build_tools/verifier/__init__.py`)."""
