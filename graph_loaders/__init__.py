"""Everything that puts data into the graph."""
