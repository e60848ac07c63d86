"""The encoder linear probes tell an embedding that keeps each attribute apart from one that folds a held-out
combination onto a seen one, and they run on a real bundle."""
import itertools
import os
import unittest

import torch

from common import REFERENCE

from nextgpt_tooling import export, probes, train, world_media

PITCHES, PATTERNS = world_media.ATTRIBUTES["audio"]["pitch"], world_media.ATTRIBUTES["audio"]["pattern"]
HELD_OUT = (PITCHES[-1], PATTERNS[0])       # as the world holds one audio combination out
NEAREST_SEEN = (PITCHES[1], PATTERNS[0])    # where a collapsing encoder puts it


def _samples(combos, per_combo, held):
    return [{"attrs": {"pitch": p, "pattern": q}, "heldout_combo": held} for p, q in combos for _ in range(per_combo)]


def _factorised(samples, gen):
    """Pitch and pattern in coordinates of their own, plus noise."""
    x = torch.randn(len(samples), 16, generator=gen) * 0.1
    for i, s in enumerate(samples):
        x[i, PITCHES.index(s["attrs"]["pitch"])] += 1.0
        x[i, 8 + PATTERNS.index(s["attrs"]["pattern"])] += 1.0
    return x


def _collapsing(samples, gen):
    """One direction per combination; the held-out one lands on its nearest seen combination's direction."""
    combos = list(itertools.product(PITCHES, PATTERNS))
    x = torch.randn(len(samples), 16, generator=gen) * 0.1
    for i, s in enumerate(samples):
        key = (s["attrs"]["pitch"], s["attrs"]["pattern"])
        x[i, combos.index(NEAREST_SEEN if key == HELD_OUT else key)] += 1.0
    return x


class LinearProbeTest(unittest.TestCase):
    def setUp(self):
        seen = [c for c in itertools.product(PITCHES, PATTERNS) if c != HELD_OUT]
        self.train = _samples(seen, 20, False)
        self.test = _samples(seen, 4, False) + _samples([HELD_OUT], 12, True)

    def _probe(self, embed):
        gen = torch.Generator().manual_seed(3)
        return probes.probe_attributes("audio", embed(self.train, gen), self.train, embed(self.test, gen), self.test)

    def test_factorised_embedding_reads_held_out_combinations(self):
        acc = self._probe(_factorised)
        for k in ("pitch", "pattern"):
            self.assertEqual(acc[k]["seen"], 1.0, k)
            self.assertGreaterEqual(acc[k]["held-out combination"], 0.95, k)

    def test_collapsed_held_out_combination_reads_as_the_seen_one(self):
        acc = self._probe(_collapsing)
        self.assertEqual(acc["pitch"]["seen"], 1.0)
        self.assertEqual(acc["pitch"]["held-out combination"], 0.0)   # read as the nearest seen combination's pitch
        self.assertEqual(acc["pattern"]["held-out combination"], 1.0)  # which shares the pattern

    def test_table_has_a_row_per_encoder_attribute(self):
        t = probes.table({"audio": self._probe(_factorised)})
        self.assertIn("| audio | pitch | 100% |", t)
        self.assertEqual(len(t.splitlines()), 4)  # header, rule, pitch, pattern


class BundleProbeTest(unittest.TestCase):
    def test_committed_bundle_probes_every_encoder_attribute(self):
        mods, _, _ = export.load_bundle(os.path.join(REFERENCE, "..", "..", "nano"))
        w = train.make_world("quick")
        acc = probes.encoder_probes(mods, w, "valid", train_count=60)
        self.assertEqual(list(acc), list(world_media.MODALITIES))
        for m, attrs in acc.items():
            self.assertEqual(list(attrs), list(world_media.ATTRIBUTES[m]))
            for k, groups in attrs.items():
                self.assertIn("seen", groups, f"{m} {k}")
                for g, a in groups.items():
                    self.assertTrue(0.0 <= a <= 1.0, f"{m} {k} {g}")
        # the committed encoders keep colour apart on seen combinations (100 % at the full budget)
        self.assertGreaterEqual(acc["image"]["colour"]["seen"], 0.8)


if __name__ == "__main__":
    unittest.main()
