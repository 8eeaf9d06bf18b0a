"""Layout recognisers: each reads one common layout of real plans from the outline.

Tables: `table.TableReading` (mixed into DocumentParser) reads assignment tables row by row;
`table_columns` decides which column holds what (header words checked against the cells);
`table_units` readies unit cells for `split_units`.
"""
