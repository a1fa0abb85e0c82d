"""Cross-document linkers: run after every document is read, each after the linkers it declares
(loaders.components.linkers). A module registers its linkers when imported; loaders.pipeline lists
the modules it imports. A linker that belongs to one document type lives in that type's package
(the econ_forum COVERS linker)."""
