"""Deterministic SentencePiece BPE tokenizer of the nano bundle."""
import io

import sentencepiece as spm

from . import corpus

BASE_VOCAB = 1000
UNK, BOS, EOS, PAD = 0, 1, 2, 0


def train_tokenizer(seed=1234, vocab_size=BASE_VOCAB, n_sentences=40000, sentences=None):
    """Trains the BPE model on ``sentences`` (default: the seeded corpus); returns the serialized ModelProto bytes."""
    if sentences is None:
        sentences = corpus.generate_corpus(seed, n_sentences)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=buf,
        model_type="bpe", vocab_size=vocab_size, num_threads=1, byte_fallback=True,
        normalization_rule_name="identity", remove_extra_whitespaces=False, add_dummy_prefix=True,
        unk_id=UNK, bos_id=BOS, eos_id=EOS, pad_id=-1, character_coverage=1.0,
        input_sentence_size=0, shuffle_input_sentence=False, max_sentence_length=16384,
        split_digits=False, hard_vocab_limit=True, minloglevel=2)
    return buf.getvalue()


def load_processor(model_bytes):
    sp = spm.SentencePieceProcessor()
    sp.LoadFromSerializedProto(model_bytes)
    return sp


def text_encoder_ids(sp, text, length=16):
    """Ids for a decoder text encoder: BOS + pieces + EOS, cut to ``length`` (EOS kept last), padded with PAD."""
    ids = [BOS] + sp.encode(text) + [EOS]
    if len(ids) > length:
        ids = ids[:length - 1] + [EOS]
    return ids + [PAD] * (length - len(ids))
