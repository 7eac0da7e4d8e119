"""Use cases the screens and the CLI call: one function per thing an agent or supervisor does.

No Textual imports here (a test checks it); errors are `hotline.errors.HotlineError` values.
"""
