"""Layout recognisers: each reads one common layout of real plans from the outline."""
