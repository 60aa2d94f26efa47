"""A sequence classifier that pools the way sentence-transformers trained the bundled encoder.

all-MiniLM-L6-v2 was trained on the mean of its token vectors; its [CLS] vector and pooler
were never trained to stand for a sentence, so transformers' BertForSequenceClassification
(a head on [CLS]) starts from noise. Measured on the 9-way request task, same data and
budget: test accuracy 0.66 with the [CLS] head, 0.97 with mean pooling. transformers has no
mean-pooling classification head, hence this small class (saved and loaded like any
PreTrainedModel; `load_sequence_classifier` picks it from config.json's architectures).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn
from transformers import BertModel, BertPreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

MEAN_POOL_ARCHITECTURE = "MeanPoolForSequenceClassification"


class MeanPoolForSequenceClassification(BertPreTrainedModel):
    """BERT body, attention-masked mean of the last hidden states, dropout, linear head."""

    def __init__(self, config: Any):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(self, input_ids: torch.Tensor | None = None, attention_mask: torch.Tensor | None = None,
                token_type_ids: torch.Tensor | None = None, labels: torch.Tensor | None = None,
                **kwargs: Any) -> SequenceClassifierOutput:
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        if attention_mask is None:
            attention_mask = torch.ones(hidden.shape[:2], dtype=hidden.dtype, device=hidden.device)
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        logits = self.classifier(self.dropout(pooled))
        loss = nn.functional.cross_entropy(logits.float(), labels) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)


def classifier_class(pooling: str) -> Any:
    """The model class for a config's `pooling` ("cls": transformers' own head, "mean": ours)."""
    from transformers import AutoModelForSequenceClassification

    return MeanPoolForSequenceClassification if pooling == "mean" else AutoModelForSequenceClassification


def load_sequence_classifier(path: str | Path, **kwargs: Any) -> Any:
    """A saved classifier of either kind, chosen by config.json's `architectures`."""
    from transformers import AutoConfig

    archs = AutoConfig.from_pretrained(path).architectures or []
    return classifier_class("mean" if MEAN_POOL_ARCHITECTURE in archs else "cls").from_pretrained(path, **kwargs)
