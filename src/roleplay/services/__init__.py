"""Services: the conversation engine, scoring, the catalogue of trainer files. Ports only."""
