"""gridgov: grid-based grassroots governance platform."""
