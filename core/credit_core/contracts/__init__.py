"""The HTTP contracts of the scoring and explain APIs: the one definition of their request and response bodies.

The services declare them in their routes (so their OpenAPI documents them) and the web validates every answer
it reads against them (credit_web.api_clients), so a change on one side that the other does not follow fails a
test instead of a page. Services never import each other: what they share lives here.
"""
