"""Progress kept in step across machines through a git remote or a shared folder."""
