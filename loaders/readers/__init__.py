"""Document readers and cross-document linkers. Every module here is imported by the pipeline
(loaders.pipeline._load_components); importing a module registers its components."""
