"""The sentence-embedding models that come with the default install: real models, no stand-ins.

They load from their packages (no model hub, no PyTorch), give unit rows that
do not depend on batching, put a Spanish note near the English note on the
same subject, and `find_themes` with them joins the two languages in one theme.
"""

from __future__ import annotations

import numpy as np
import pytest

from engage.themes import embeddings
from engage.themes.embeddings import COMBINED, MINILM, USE_MULTILINGUAL, SentenceEmbeddings
from engage.themes.pipeline import default_representation, find_themes
from engage.themes.text import spanish_share

from .test_pipeline import feedback, purity


def test_every_model_loads_on_the_default_install_and_both_together_are_the_default(monkeypatch):
    monkeypatch.delenv(embeddings.ENV_MODEL, raising=False)
    assert embeddings.available_models() == [COMBINED, USE_MULTILINGUAL, MINILM]
    assert embeddings.chosen_model() == COMBINED
    assert default_representation().name == COMBINED


def test_embeddings_can_be_switched_off(monkeypatch):
    monkeypatch.setenv(embeddings.ENV_MODEL, "none")
    assert not embeddings.available()
    assert default_representation().name.startswith("tfidf")
    with pytest.raises(embeddings.EmbeddingsUnavailable):
        SentenceEmbeddings()


@pytest.mark.parametrize("model", [USE_MULTILINGUAL, MINILM, COMBINED])
def test_rows_are_unit_vectors_whatever_the_batch(model):
    texts = ["The bus is late", "", "   ", "El autobús llega tarde", "🙂", "x" * 5000, "Cafeteria food is cold"]
    encoder = SentenceEmbeddings(model)
    whole = encoder.embed(texts, batch_size=64)
    one_by_one = encoder.embed(texts, batch_size=1)
    reversed_order = encoder.embed(texts[::-1], batch_size=3)[::-1]
    assert whole.shape == (len(texts), encoder.dim) and whole.dtype == np.float32
    assert np.allclose(np.linalg.norm(whole, axis=1), 1.0, atol=1e-5)
    assert np.allclose(whole, one_by_one, atol=1e-4) and np.allclose(whole, reversed_order, atol=1e-4)


def test_minilm_tells_english_subjects_apart():
    bus, late, lunch = SentenceEmbeddings(MINILM).embed(
        ["The school bus never comes on time", "Bus 12 is late every morning",
         "The cafeteria food is cold and bland"])
    assert bus @ late > bus @ lunch + 0.15


def test_a_spanish_note_is_nearer_the_english_note_on_its_subject_than_another_spanish_note():
    bus_en, bus_es, homework_es = SentenceEmbeddings(USE_MULTILINGUAL).embed(
        ["The school bus is always late", "El autobús escolar siempre llega tarde",
         "Mi hijo tiene demasiada tarea cada noche"])
    assert bus_es @ bus_en > bus_es @ homework_es + 0.2


def test_a_changed_model_file_is_refused(monkeypatch):
    monkeypatch.setattr(embeddings, "MINILM_ONNX_SHA256", "0" * 64)
    with pytest.raises(RuntimeError, match="not the all-MiniLM-L6-v2 file"):
        embeddings._load_minilm(1)


def test_default_install_themes_join_english_and_spanish_feedback_on_one_subject():
    """The pipeline's own bilingual corpus (a third Spanish): with the default
    representation each theme is one subject in both languages."""
    texts, topics = feedback(n_per_topic=30)
    result = find_themes(texts, n_themes=len(set(topics)))
    assert result.representation == COMBINED
    assert purity(result, topics) >= 0.9
    spanish = {i for i, text in enumerate(texts) if spanish_share(text) > 0.5}
    assert len(texts) / 4 < len(spanish) < len(texts) / 2
    mixed = [t for t in result.themes if spanish & set(t.members) and set(t.members) - spanish]
    assert len(mixed) == len(result.themes)
