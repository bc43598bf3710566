"""The mappings as data (YAML files). Installed as ``pipeline.schemas_data``: see pyproject.toml."""
