"""The bottom of the package: shared records, the annotation scheme, naming rules, text decoding.

Everything else may import from here; nothing here imports from the rest of the package (see
docs/architecture.md and the import contract in pyproject.toml).
"""
