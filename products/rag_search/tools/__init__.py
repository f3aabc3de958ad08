"""Tools that build the RAG search sample data (help-centre PDFs and DOCX files)."""
