"""The domain rules that loaders/ and queries/ share, each in one place: Chinese text folding
(`core.fold`), the gazetteers of agencies and plans (`core.agencies`, `core.plans`), source text
(`core.source`), numbering (`core.numbering`), title keys (`core.text`), the error base
(`core.errors`) and the responsibility rule (`core.responsibility`).

core/ imports only graph.model (the vocabulary of node and edge kinds) and third-party libraries;
loaders/ and queries/ import down from it, and it never imports them, nor app/."""
