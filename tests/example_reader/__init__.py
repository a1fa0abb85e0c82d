"""An example document type, walked through in docs/architecture.md ("How to add a document type"):
a plan written as measure cards (tests/data/sixth_document/). It is laid out like a bundled reader
package (loaders/readers/<type>/: profile.py, reader.py) but lives in the test tree, because it is
documentation: no bundled document uses the layout. Importing `reader` registers it."""
