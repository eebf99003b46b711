"""Customer records in the app (issue 12): create, edit, find, and one page per customer."""
