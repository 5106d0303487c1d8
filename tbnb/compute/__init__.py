"""Pure numpy functions between the reader and the board: no I/O, no widgets."""
