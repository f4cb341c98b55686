"""metrotui in a web browser: the server's rules and the page it sends."""
