"""`python -m products.resume_assistant analyze|tailor|cover-letter ...`: the CLI on its own."""

from products.resume_assistant.cli import app

if __name__ == "__main__":
    app(prog_name="resume")
