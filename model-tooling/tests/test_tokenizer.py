import json
import os
import unittest

from common import BUNDLE, REFERENCE

from nextgpt_tooling import corpus, tokenizer, train


class TokenizerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.trained = tokenizer.train_tokenizer(1234)
        with open(os.path.join(BUNDLE, "tokenizer.model"), "rb") as f:
            cls.committed = f.read()

    def test_training_is_deterministic(self):
        self.assertEqual(tokenizer.train_tokenizer(1234), self.trained)

    def test_the_world_text_and_seed_1234_reproduce_the_committed_tokenizer(self):
        sentences = train.tokenizer_sentences(train.make_world(), 1234)
        self.assertEqual(tokenizer.train_tokenizer(1234, sentences=sentences), self.committed,
                         "train.py's tokenizer (corpus + world text, seed 1234) must reproduce the committed one")

    def test_corpus_is_deterministic_and_seeded(self):
        self.assertEqual(corpus.generate_corpus(7, 200), corpus.generate_corpus(7, 200))
        self.assertNotEqual(corpus.generate_corpus(7, 200), corpus.generate_corpus(8, 200))

    def test_model_properties(self):
        sp = tokenizer.load_processor(self.committed)
        self.assertEqual(sp.get_piece_size(), 1000)
        self.assertEqual((sp.unk_id(), sp.bos_id(), sp.eos_id(), sp.pad_id()), (0, 1, 2, -1))
        self.assertEqual(sp.id_to_piece(3), "<0x00>")  # byte fallback pieces follow the specials
        self.assertEqual(sp.encode("é"), [sp.piece_to_id("▁"), sp.piece_to_id("<0xC3>"), sp.piece_to_id("<0xA9>")])
        self.assertEqual(sp.decode(sp.encode("  two  spaces \n")), "  two  spaces \n")

    def test_reference_ids(self):
        sp = tokenizer.load_processor(self.committed)
        with open(os.path.join(REFERENCE, "tokenizer.json")) as f:
            items = json.load(f)
        self.assertGreaterEqual(len(items), 40)
        for it in items:
            self.assertEqual(sp.encode(it["text"]), it["ids"], repr(it["text"]))
            self.assertEqual(sp.decode(it["ids"]), it["decoded"])

    def test_text_encoder_ids(self):
        sp = tokenizer.load_processor(self.committed)
        self.assertEqual(tokenizer.text_encoder_ids(sp, ""), [1, 2] + [0] * 14)
        long = tokenizer.text_encoder_ids(sp, "a red circle " * 20)
        self.assertEqual(len(long), 16)
        self.assertEqual((long[0], long[-1]), (1, 2))


if __name__ == "__main__":
    unittest.main()
