"""The core: files -> strict YAML -> schema -> validation -> corpus, with metrics and the
secret scan. It knows nothing of sites or generators, so the CLI and every adapter share it."""
