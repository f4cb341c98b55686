"""metrotui serve: the app in a web browser, and the page it loads."""
