"""Document readers, one package per document type (loaders/readers/<type>/: its reader module,
the pydantic model of its profile, and the helpers only it uses). Steps several readers share stay
in the shared layer (loaders/outline.py, loaders/target_nodes.py, loaders/readers/outline_plan.py).

A new document type:
1. `<type>/profile.py`: a `loaders.context.Profile` subclass (or `OutlinePlanProfile` for a
   numbered tree the generic outline parser reads) for the settings its profile YAML holds;
2. `<type>/reader.py`: `@readers.register("<type>", profile=ThatModel)` on a function
   `(doc: DocInput[ThatModel], ctx: LoadContext) -> DocResult` (loaders.components);
3. the reader module in `COMPONENTS` of loaders/pipeline.py (an explicit list, not a folder scan);
4. `data/profiles/<name>.yaml` with `reader: <type>`, and manifest entries naming that profile.
A linker it needs registers with `@linkers.register(name, after=(...))`, naming the linkers whose
output it reads (or must run after, with a comment saying why). docs/architecture.md walks through
these steps on a tested example (tests/example_reader/, tests/test_sixth_document.py)."""
