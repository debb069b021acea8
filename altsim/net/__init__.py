"""Network access: fetching sources over HTTP the way the client does."""
