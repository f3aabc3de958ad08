"""The kit's LLM layer: one client for OpenAI, Anthropic, Ollama and OpenAI-compatible servers.

    from shared.llm import get_llm
    llm = get_llm(settings, product="rag_search")
    llm.complete("Summarise ...").text

Everything a product needs is exported here; modules starting with `_` are private.
"""

from shared.llm.client import LLMClient, get_llm
from shared.llm.pricing import ModelPrice, cost_usd, price_for, pricing_table
from shared.llm.registry import PROVIDERS
from shared.llm.streaming import AsyncLLMStream, LLMStream
from shared.llm.types import (
    Backend,
    BatchBackend,
    BatchItemResult,
    BatchJob,
    BatchRequest,
    ChatBackend,
    ChatParams,
    EmbeddingBackend,
    EmbeddingResult,
    LLMResult,
    Message,
    ModelId,
    RawReply,
    parse_model_id,
)

__all__ = [
    "PROVIDERS",
    "AsyncLLMStream",
    "Backend",
    "BatchBackend",
    "BatchItemResult",
    "BatchJob",
    "BatchRequest",
    "ChatBackend",
    "ChatParams",
    "EmbeddingBackend",
    "EmbeddingResult",
    "LLMClient",
    "LLMResult",
    "LLMStream",
    "Message",
    "ModelId",
    "ModelPrice",
    "RawReply",
    "cost_usd",
    "get_llm",
    "parse_model_id",
    "price_for",
    "pricing_table",
]
