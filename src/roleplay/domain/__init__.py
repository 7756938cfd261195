"""Pure domain: formats, transcripts, scorecards. No I/O beyond parsing, no heavy imports."""
