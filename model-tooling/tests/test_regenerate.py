"""Regenerating the bundle from its seed reproduces the committed reference outputs."""
import json
import os
import tempfile
import unittest

from common import REFERENCE

import torch

from nextgpt_tooling import export, safetensors_io


class RegenerateTest(unittest.TestCase):
    def test_same_seed_same_outputs(self):
        with tempfile.TemporaryDirectory() as tmp:
            out, ref = os.path.join(tmp, "nano"), os.path.join(tmp, "ref")
            mods, sp, manifest = export.export_bundle(1234, out, log=lambda *_: None)
            export.write_references(mods, sp, 1234, manifest, ref, log=lambda *_: None)
            committed = sorted(os.listdir(REFERENCE))
            self.assertEqual(committed, sorted(os.listdir(ref)))
            for name in committed:
                with self.subTest(file=name):
                    if name.endswith(".safetensors"):
                        a, _ = safetensors_io.load(os.path.join(REFERENCE, name))
                        b, _ = safetensors_io.load(os.path.join(ref, name))
                        self.assertEqual(list(a), list(b))
                        for k in a:
                            self.assertEqual(a[k].dtype, b[k].dtype, k)
                            torch.testing.assert_close(b[k], a[k], atol=1e-5, rtol=0, msg=f"{name}:{k}")
                    elif name.endswith(".json"):
                        with open(os.path.join(REFERENCE, name)) as f1, open(os.path.join(ref, name)) as f2:
                            self.assertEqual(json.load(f1), json.load(f2))
            with open(os.path.join(out, "bundle.json")) as f:
                regenerated = json.load(f)
            with open(os.path.join(REFERENCE, "..", "..", "nano", "bundle.json")) as f:
                committed_manifest = json.load(f)
            regenerated.pop("files")
            committed_manifest.pop("files")
            self.assertEqual(regenerated, committed_manifest)


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_and_layout(self):
        import struct
        t = {"a.0": torch.randn(2, 3), "b": torch.arange(5), "c": torch.randn(4).half(), "e": torch.zeros(0, 3)}
        buf = safetensors_io.dumps(t, {"k": "v"})
        (n,) = struct.unpack("<Q", buf[:8])
        self.assertEqual((8 + n) % 8, 0)
        header = json.loads(buf[8:8 + n])
        self.assertEqual(header["__metadata__"], {"format": "pt", "k": "v"})
        self.assertEqual(header["b"]["dtype"], "I64")
        back, meta = safetensors_io.loads(buf)
        self.assertEqual(list(back), list(t))
        for k in t:
            self.assertTrue(torch.equal(back[k], t[k]), k)


if __name__ == "__main__":
    unittest.main()
