"""The front doors: the `aipm` CLI, the FastAPI app, the Streamlit hub, `aipm doctor`.

The top layer. They read the product registry (`products`) and mount each product's
adapters, and the PM commands (`pm`) on top; nothing below imports from here
(`.importlinter` contracts, run by `make test`).
"""
