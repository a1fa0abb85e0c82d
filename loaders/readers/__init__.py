"""Document readers, one package per document type (loaders/readers/<type>/: its reader module,
the pydantic model of its profile, and the helpers only it uses). A reader module registers its
reader (loaders.components.readers) when imported; loaders.pipeline lists the modules it imports.
Steps several readers share stay in the shared layer (loaders/outline.py, loaders/target_nodes.py,
loaders/readers/outline_plan.py)."""
