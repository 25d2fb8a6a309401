"""One module per check (docs/verifier-codes.md lists their codes); the order is in
`_internal/pipeline.py`."""
