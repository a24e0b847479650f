"""Chinese text understanding shared by ingest and answering: sentences, dates, places, normalisation, tokens, vocabulary."""
