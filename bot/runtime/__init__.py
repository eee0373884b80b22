"""The bot's live state, one job a module: the knowledge snapshot, its reload, the work done after the
ack, and the process's memory habits. Empty here so `srm ask` imports only the snapshot it needs."""
