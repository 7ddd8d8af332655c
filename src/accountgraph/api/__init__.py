"""The GraphQL API over any store, and the Starlette app that serves it."""
