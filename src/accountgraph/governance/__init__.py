"""Changing the graph: change sets, the roles and tokens of the people who make them, the
rule book they must pass and the hash-chained log of what was applied.

The pieces, each a module: :mod:`.roles` and :mod:`.tokens` (who may do what),
:mod:`.operations` (what a change set does to a dataset), :mod:`.change_set` (the change
set and its lifecycle), :mod:`.log` (the tamper-evident log), :mod:`.changeable` (the
async protocol a store that can be changed implements) and :mod:`.service` (the one place
that decides whether a change is made).
"""
