import pytest
import torch

from committed import TEXT_MODELS, classifier_config, word2vec_config
from rnnlab.text.model import TextClassifier
from rnnlab.text.report import scores
from rnnlab.text.train import length_bucketed_batches
from rnnlab.text.vectors import (
    Vocabulary,
    character_table,
    embedding_matrix,
    encode,
    train_word2vec,
)


def test_vocabulary_pads_wraps_truncates_and_maps_unknown():
    vocabulary = Vocabulary(["<s>", "</s>", "好", "差"])
    assert vocabulary.encode(["好", "新词"], max_len=10) == [2, 4, 1, 3]
    assert vocabulary.encode(["好", "差", "好"], max_len=3) == [2, 4, 5]
    ids, lengths = encode([["好"], ["差", "差", "差", "差"]], vocabulary, max_len=4)
    assert ids.tolist() == [[2, 4, 3, 0], [2, 5, 5, 5]]
    assert lengths.tolist() == [3, 4]


def test_word2vec_sees_sentence_markers_and_embedding_rows_follow_vocabulary():
    vectors = train_word2vec([["好", "很"], ["差"]] * 5, word2vec_config(vector_size=8, epochs=2))
    assert {"<s>", "</s>", "好", "很", "差"} == set(vectors.index_to_key)
    vocabulary = Vocabulary(list(vectors.index_to_key))
    matrix = embedding_matrix(vectors, vocabulary)
    assert matrix.shape == (len(vocabulary), 8)
    assert torch.equal(matrix[0], torch.zeros(8))
    torch.testing.assert_close(matrix[vocabulary.index["差"]], torch.tensor(vectors["差"]))


def test_character_table_lists_first_characters_and_skips_markers():
    vocabulary = Vocabulary(["<s>", "</s>", "热水器", "水果", "热"])
    table = character_table(vocabulary, chars_per_word=2)
    assert table.tolist() == [[0, 0], [0, 0], [0, 0], [0, 0], [1, 2], [2, 3], [1, 0]]
    assert character_table(vocabulary, chars_per_word=0).shape == (7, 0)


def test_word_embedding_adds_the_mean_of_its_character_embeddings():
    torch.manual_seed(0)
    vocabulary = Vocabulary(["热水器", "水果", "热"])
    table = character_table(vocabulary, chars_per_word=4)
    config = classifier_config(
        cell="gru",
        vocab_size=len(vocabulary),
        embedding_dim=6,
        classes=2,
        hidden=5,
        character_vocab_size=int(table.max()) + 1,
        chars_per_word=4,
    )
    network = TextClassifier(config, word_characters=table).members[0]
    ids = torch.tensor([[vocabulary.index["热水器"], vocabulary.index["热"], 0]])
    embedded = network.embed(ids)
    characters = network.character_embedding.weight
    torch.testing.assert_close(embedded[0, 0], network.embedding.weight[2] + characters[1:4].mean(0))
    torch.testing.assert_close(embedded[0, 1], network.embedding.weight[4] + characters[1])
    torch.testing.assert_close(embedded[0, 2], torch.zeros(6))


def test_checkpoint_state_carries_the_character_table():
    vocabulary = Vocabulary(["热水器", "水果", "热"])
    table = character_table(vocabulary, chars_per_word=3)
    config = classifier_config(
        cell="lstm",
        vocab_size=len(vocabulary),
        embedding_dim=4,
        classes=2,
        hidden=3,
        character_vocab_size=int(table.max()) + 1,
        chars_per_word=3,
    )
    trained = TextClassifier(config, word_characters=table).eval()
    restored = TextClassifier(config).eval()
    restored.load_state_dict(trained.state_dict())
    ids, lengths = torch.tensor([[2, 3, 4], [4, 2, 0]]), torch.tensor([3, 2])
    torch.testing.assert_close(restored(ids, lengths), trained(ids, lengths))


def test_bucketed_batches_cover_every_row_once_and_repeat_with_the_seed():
    lengths = torch.randint(1, 50, (1000,), generator=torch.Generator().manual_seed(1))
    first = length_bucketed_batches(lengths, 16, torch.Generator().manual_seed(3))
    again = length_bucketed_batches(lengths, 16, torch.Generator().manual_seed(3))
    assert sorted(torch.cat(first).tolist()) == list(range(1000))
    assert all(torch.equal(a, b) for a, b in zip(first, again))


@pytest.mark.parametrize("cell", TEXT_MODELS)  # a text model's name in params.yaml is its cell
@pytest.mark.parametrize("pooling", ["last", "max", "mean", "max_mean"])
def test_classifier_logits_ignore_padding(cell, pooling):
    torch.manual_seed(0)
    config = classifier_config(cell=cell, vocab_size=20, embedding_dim=6, classes=4, hidden=5, pooling=pooling)
    model = TextClassifier(config).eval()
    ids = torch.randint(1, 20, (3, 7))
    lengths = torch.tensor([7, 2, 4])
    logits = model(ids, lengths)
    assert logits.shape == (3, 4)
    padded = ids.clone()
    padded[1, 2:] = 11
    torch.testing.assert_close(model(padded, lengths), logits)


def test_bad_config_names_field():
    with pytest.raises(ValueError, match="pooling must be one of"):
        classifier_config(cell="gru", vocab_size=5, embedding_dim=2, classes=2, pooling="attention")
    with pytest.raises(ValueError, match="cell must be one of"):
        classifier_config(cell="transformer", vocab_size=5, embedding_dim=2, classes=2)


def test_scores_macro_f1_is_mean_of_class_f1():
    result = scores(torch.tensor([0, 0, 1, 1]), torch.tensor([0, 1, 1, 1]), ["a", "b"])
    assert result["accuracy"] == 0.75
    assert result["per_class"]["a"]["f1"] == pytest.approx(2 / 3)
    assert result["per_class"]["b"]["f1"] == pytest.approx(0.8)
    assert result["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_ensemble_predicts_its_members_mean_probabilities():
    torch.manual_seed(0)
    config = classifier_config(cell="gru", vocab_size=20, embedding_dim=6, classes=4, hidden=5, members=3)
    model = TextClassifier(config).eval()
    ids, lengths = torch.randint(1, 20, (5, 7)), torch.tensor([7, 2, 4, 1, 6])
    mean = torch.stack([member(ids, lengths).softmax(1) for member in model.members]).mean(0)
    torch.testing.assert_close(model(ids, lengths).exp(), mean)
    assert not torch.equal(model.members[0].head.weight, model.members[1].head.weight)


def test_classifier_needs_a_member():
    with pytest.raises(ValueError, match="members"):
        classifier_config(cell="gru", vocab_size=20, embedding_dim=6, classes=4, members=0)
