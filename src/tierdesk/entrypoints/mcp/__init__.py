"""The MCP server (``tierdesk mcp``): search, similar tickets, ticket reading and reply drafts
for AI assistants, over stdio or streamable HTTP, on the Model Context Protocol SDK (the
optional extra ``tierdesk[mcp]``).

An entry point like the web application and the CLI: every tool calls the services the REST
API calls, as the person whose API token came with the call, so the tokens, the access rules
(``services/access.py``) and what is recorded are the REST API's."""
