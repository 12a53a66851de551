"""The reform's vocabulary: leaf modules that import nothing from the rest of the project, so
that settings, loaders and the schema can all share them without importing each other."""
