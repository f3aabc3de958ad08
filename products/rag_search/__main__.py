"""`python -m products.rag_search ingest|search|ask ...`: the product's CLI on its own."""

from products.rag_search.cli import app

if __name__ == "__main__":
    app(prog_name="rag")
