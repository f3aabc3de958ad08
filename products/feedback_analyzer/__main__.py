"""`python -m products.feedback_analyzer analyze|estimate ...`: the product's CLI on its own."""

from products.feedback_analyzer.cli import app

if __name__ == "__main__":
    app(prog_name="feedback")
