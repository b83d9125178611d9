/// InfoLoggerInput owns `type: infologger`: the ALICE InfoLogger protocols (server, stream, local) into the spool.
enum InfoLoggerInputModule {}
