"""Request and response models of the HTTP API.

Request models are built per app by `build_schemas()` so the configured limits
(max_text_chars, max_batch, max_k) are both enforced and shown in the OpenAPI schema.
Every field carries a description: /docs documents the whole API.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from creditai import LABELS

Label = Literal["eligible", "conditionally_eligible", "not_eligible", "insufficient_information"]
assert set(Label.__args__) == set(LABELS)  # type: ignore[attr-defined]


def storable(value: str) -> str:
    """Reject strings that cannot be stored as UTF-8 (lone surrogates) or in PostgreSQL (NUL)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains invalid Unicode (a lone surrogate)") from None
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _clean(value: str) -> str:
    """Also reject blank strings."""
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return storable(value)


def _text(max_chars: int) -> Any:
    return Annotated[str, StringConstraints(strict=True, min_length=1, max_length=max_chars), AfterValidator(_clean)]


def _whole(value: Any) -> Any:
    """An integer, also written as a float with no fraction (5.0): JSON Schema's "integer",
    which the OpenAPI schema declares, allows it. Booleans and strings are still refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be an integer")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole)]
ShortText = _text(200)
RequestId = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")
]


# ----------------------------------------------------------------------------- responses
class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class Classification(_Out):
    label: Label = Field(description="Dispute-eligibility label (see docs/eligibility-policy.md).")
    confidence: float = Field(description="Probability of the label, 0-1.")
    probabilities: dict[str, float] = Field(description="Probability of every label, 0-1.")
    source: Literal["model", "rules"] = Field(
        description="'model': the trained classifier; 'rules': the rule-based fallback "
        "(no trained model, or the model was below the confidence threshold)."
    )
    rules: list[str] = Field(default_factory=list, description="Policy rules that fired (rule fallback).")
    model_version: str | None = Field(None, description="Version (created_at) of the classifier that answered.")


class ClassifyResponse(Classification):
    request_id: str = Field(description="Id of this request; send it to /feedback. Also in the X-Request-ID header.")


class BatchClassifyResponse(_Out):
    request_id: str = Field(description="Id of this request; send it to /feedback.")
    count: int = Field(description="Number of results (same order as the input texts).")
    results: list[Classification] = Field(description="One classification per input text, in order.")


class EmbedResponse(_Out):
    request_id: str = Field(description="Id of this request.")
    model: dict[str, Any] = Field(description="The encoder: model_id, path, source, fingerprint.")
    dimension: int = Field(description="Length of each vector.")
    embeddings: list[list[float]] = Field(description="One L2-normalized vector per input text, in order.")


class Passage(_Out):
    text: str = Field(description="The passage text.")
    source: str = Field(description="File the passage comes from.")
    title: str = Field(description="Title of the source document.")
    doc_type: str = Field(description="Document type (e.g. credit_laws, compliance, templates).")
    score: float = Field(description="Retrieval score (BM25, or reciprocal-rank-fusion score in hybrid mode).")
    heading: str = Field("", description="Section heading of the passage.")
    citations: list[str] = Field(default_factory=list, description="Law citations the passage carries.")


class RetrieveResponse(_Out):
    request_id: str = Field(description="Id of this request.")
    retrieval: Literal["hybrid", "bm25"] = Field(description="'hybrid' (BM25 + embeddings) or 'bm25' fallback.")
    hits: list[Passage] = Field(description="Best passages first.")


class AnalyzeResponse(_Out):
    request_id: str = Field(description="Id of this request; send it to /feedback.")
    intent: str | None = Field(None, description="Detected intent of the request (dispute, education, ...).")
    refused: bool = Field(False, description="True when the request was declined (e.g. asks for a CPN).")
    eligibility: Any = Field(None, description="Eligibility label (or classification) of the item.")
    confidence: float | None = Field(None, description="Confidence of the eligibility label, 0-1.")
    source: str | None = Field(None, description="'model' or 'rules': who produced the eligibility label.")
    sections: Any = Field(None, description="SUMMARY, ANALYSIS, ELIGIBILITY STATUS, RECOMMENDED ACTION, NEXT STEPS.")
    answer: str = Field("", description="The full composed answer text.")
    citations: list[Any] = Field(default_factory=list, description="Knowledge-base passages the answer relied on.")
    compliance: Any = Field(None, description="Result of the compliance guard on the answer.")
    timings_ms: dict[str, float] = Field(default_factory=dict, description="Time per pipeline stage (ms).")
    rules: list[str] = Field(default_factory=list, description="Policy rules behind the eligibility label.")
    missing_information: list[str] = Field(
        default_factory=list, description="Details the consumer should send before the item can be assessed."
    )
    components: dict[str, str] = Field(
        default_factory=dict, description="What produced each part: classifier, retrieval, composer, guard, llm."
    )


class FeedbackResponse(_Out):
    request_id: str = Field(description="The request the feedback was attached to.")
    feedback_id: int = Field(description="Id of the stored feedback.")
    status: Literal["recorded"] = Field(description="Always 'recorded'.")


class ComponentStatus(_Out):
    loaded: bool = Field(description="Whether the component is ready.")
    source: str | None = Field(None, description="Where it came from: finetuned, bundled, rules, bm25, ...")
    version: str | None = Field(None, description="Version (created_at) of the loaded model.")
    created_at: str | None = Field(None, description="When the loaded model was trained/built.")
    path: str | None = Field(None, description="Folder it was loaded from.")
    missing: str | None = Field(None, description="What is missing and how to fix it, when not fully loaded.")


class HealthResponse(_Out):
    status: Literal["ok", "degraded"] = Field(description="'ok' with every model loaded, else 'degraded' (still serving).")
    version: str = Field(description="creditai version.")
    device: str = Field(description="Inference device (cpu, cuda, mps).")
    auth: Literal["api_key", "open"] = Field(description="Whether API keys are required.")
    models: dict[str, ComponentStatus] = Field(description="classifier, embeddings, knowledge_base, assistant.")
    knowledge_base: dict[str, Any] = Field(description="Index summary: size (chunks), documents, retrieval modes.")
    store: dict[str, Any] = Field(description="Audit store: backend, masked URL, ok, request count.")
    limits: dict[str, int] = Field(description="max_text_chars, max_batch, max_k.")


class ErrorItem(BaseModel):
    field: str = Field(description="The offending field (dotted path; 'body' for the whole body).")
    message: str = Field(description="What is wrong with it.")
    type: str = Field(description="Machine-readable error type.")


class ErrorResponse(BaseModel):
    detail: list[ErrorItem] | str = Field(description="The problems found, or one message.")


# ----------------------------------------------------------------------------- requests
@dataclass(frozen=True)
class Schemas:
    ClassifyRequest: type[BaseModel]
    BatchClassifyRequest: type[BaseModel]
    EmbedRequest: type[BaseModel]
    RetrieveRequest: type[BaseModel]
    ChatRequest: type[BaseModel]
    AnalyzeRequest: type[BaseModel]
    FeedbackRequest: type[BaseModel]


SEED_EXAMPLE = "This charge-off is incorrect"


@lru_cache(maxsize=8)
def build_schemas(max_text_chars: int, max_batch: int, max_k: int) -> Schemas:
    """Request models enforcing (and documenting) the configured limits."""
    Text = _text(max_text_chars)
    # the answer pipeline has its own (smaller) limits: show and enforce them up front
    try:
        from creditai.assistant import pipeline as _p

        item_chars, question_chars = _p.MAX_TEXT_CHARS, _p.MAX_QUESTION_CHARS
        message_chars = 4 * _p.MAX_QUESTION_CHARS
    except Exception:  # pipeline unavailable: /analyze and /chat will answer 503 anyway
        item_chars = question_chars = message_chars = max_text_chars
    ItemText = _text(min(max_text_chars, item_chars))
    QuestionText = _text(min(max_text_chars, question_chars))
    MessageText = _text(min(max_text_chars, message_chars))
    cfg = ConfigDict(extra="forbid")

    class ClassifyRequest(BaseModel):
        model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"text": SEED_EXAMPLE}]})
        text: Text = Field(description=f"One credit-report item or a description of it (1-{max_text_chars} characters).")

    class BatchClassifyRequest(BaseModel):
        model_config = cfg
        texts: list[Text] = Field(  # type: ignore[valid-type]
            min_length=1, max_length=max_batch,
            description=f"Items to classify (1-{max_batch} texts of 1-{max_text_chars} characters).",
        )

    class EmbedRequest(BaseModel):
        model_config = cfg
        texts: list[Text] = Field(  # type: ignore[valid-type]
            min_length=1, max_length=max_batch, description=f"Texts to embed (1-{max_batch})."
        )

    class RetrieveRequest(BaseModel):
        model_config = cfg
        query: Text = Field(description="What to search the knowledge base for.")
        k: WholeNumber = Field(5, ge=1, le=max_k, description=f"Number of passages to return (1-{max_k}).")
        doc_type: ShortText | None = Field(  # type: ignore[valid-type]
            None, description="Only passages of this document type (e.g. credit_laws, compliance, templates)."
        )
        intent: ShortText | None = Field(  # type: ignore[valid-type]
            None, description="Rank the doc types serving this intent first: dispute, education, document_generation."
        )

    class ChatTurn(BaseModel):
        model_config = cfg
        role: Literal["user", "assistant"] = Field(description="Who said it.")
        content: Text = Field(description="What was said.")

    class ChatRequest(BaseModel):
        model_config = cfg
        message: MessageText = Field(description="The user's message.")  # type: ignore[valid-type]
        history: list[ChatTurn] = Field(  # type: ignore[valid-type]
            default_factory=list, max_length=50, description="Earlier turns, oldest first (at most 50)."
        )

    class AnalyzeRequest(BaseModel):
        model_config = cfg
        text: ItemText = Field(description="The credit-report item (or report excerpt) to analyze.")  # type: ignore[valid-type]
        question: QuestionText | None = Field(None, description="An optional question about the item.")  # type: ignore[valid-type]

    class FeedbackRequest(BaseModel):
        model_config = cfg
        request_id: RequestId = Field(description="The request_id of an earlier classify/analyze/chat response.")
        rating: WholeNumber = Field(ge=1, le=5, description="1 (bad) to 5 (good).")
        comment: Annotated[str, StringConstraints(strict=True, max_length=2000), AfterValidator(storable)] | None = Field(
            None, description="Optional free-text comment (PII is redacted before it is stored)."
        )

    return Schemas(
        ClassifyRequest, BatchClassifyRequest, EmbedRequest, RetrieveRequest, ChatRequest, AnalyzeRequest, FeedbackRequest
    )
