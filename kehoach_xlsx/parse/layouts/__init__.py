"""Layout recognisers: each reads one common layout of real plans from the outline.

Tables: `table.TableReading` (mixed into DocumentParser) reads assignment tables row by row;
`table_columns` decides which column holds what (header words checked against the cells);
`table_units` readies unit cells for `split_units`.

Prose: `prose.apply_prose_layouts` runs, on a document's outline (outline.Node tree), the
label blocks (`label_blocks`), agency-as-heading lists (`agency_lists`), the lead written in
the item's sentence (`inline_lead`), the lead label's own sentence (`lead_roles`) and
unlabelled items among tasks (`unlabelled`); `agencies` holds the words they share.
"""
