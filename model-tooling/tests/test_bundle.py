"""The committed bundle: checksums, size, manifest, signal tokens, component contracts."""
import hashlib
import json
import os
import unittest

from common import BUNDLE, REFERENCE  # noqa: F401  (sets sys.path)

import torch

from nextgpt_tooling import export, nano, pipeline, safetensors_io


def manifest():
    with open(os.path.join(BUNDLE, "bundle.json")) as f:
        return json.load(f)


class BundleFilesTest(unittest.TestCase):
    def test_checksums_match_files(self):
        m = manifest()
        listed = set(m["files"])
        present = set(os.listdir(BUNDLE)) - {"bundle.json"}
        self.assertEqual(listed, present, "bundle.json must list exactly the files of the bundle")
        for name, info in m["files"].items():
            with open(os.path.join(BUNDLE, name), "rb") as f:
                data = f.read()
            self.assertEqual(len(data), info["bytes"], name)
            self.assertEqual(hashlib.sha256(data).hexdigest(), info["sha256"], name)

    def test_every_component_file_is_listed(self):
        m = manifest()
        self.assertEqual(list(m["components"]), nano.COMPONENT_NAMES)
        for name, comp in m["components"].items():
            self.assertIn(comp["file"], m["files"], name)

    def test_bundle_size_at_most_25_mb(self):
        total = sum(os.path.getsize(os.path.join(BUNDLE, f)) for f in os.listdir(BUNDLE))
        self.assertLessEqual(total, 25 * 1000 * 1000)

    def test_manifest_header(self):
        m = manifest()
        self.assertEqual(m["format"], "nextgpt-bundle")
        self.assertEqual(m["format_version"], 1)
        self.assertEqual(m["tokenizer"]["base_vocab_size"], 1000)
        self.assertEqual((m["tokenizer"]["bos_id"], m["tokenizer"]["eos_id"], m["tokenizer"]["unk_id"],
                          m["tokenizer"]["pad_id"]), (1, 2, 0, 0))
        self.assertEqual(m["llm"]["stop_strings"], ["###"])
        for name, d in m["decoders"].items():
            self.assertEqual(d["negative_prompt_ids"], [1, 2] + [0] * 14)
            self.assertEqual(d["defaults"], {"steps": 20, "guidance_scale": nano.GUIDANCE_SCALE[name],
                                             "scheduler": "ddim"})
            self.assertEqual(d["scheduler"]["beta_schedule"], "scaled_linear")


class SignalTokensTest(unittest.TestCase):
    def test_counts_and_consecutive_ids(self):
        m = manifest()
        sig = m["signal_tokens"]
        self.assertEqual(list(sig), ["image", "audio", "video"])
        expected = {"image": ("IMG", 4), "audio": ("AUD", 8), "video": ("VID", 24)}
        next_id = m["tokenizer"]["base_vocab_size"]
        for mod, (prefix, n) in expected.items():
            self.assertEqual(sig[mod]["first_id"], next_id, mod)
            self.assertEqual(sig[mod]["tokens"], [f"[{prefix}{i}]" for i in range(n)])
            next_id += n
        self.assertEqual(next_id, m["llm"]["vocab_size"])
        self.assertEqual(next_id, 1036)

    def test_embed_has_signal_rows(self):
        embed = torch.jit.load(os.path.join(BUNDLE, "llm_embed.pt"))
        out = embed(torch.tensor([[1035, 1000, 5]]))
        self.assertEqual(list(out.shape), [1, 3, 256])
        with self.assertRaises(Exception):
            embed(torch.tensor([[1036]]))


def _check_contract(testcase, name, spec, outs, dims):
    testcase.assertEqual(len(outs), len(spec), f"{name}: output count")
    for o, s in zip(outs, spec):
        testcase.assertEqual(str(o.dtype), "torch." + s["dtype"], f"{name}.{s['name']} dtype")
        testcase.assertEqual(list(o.shape), nano.resolve_shape(s["shape"], dims), f"{name}.{s['name']} shape {dims}")
        testcase.assertTrue(torch.isfinite(o).all(), f"{name}.{s['name']} not finite")


class ContractTest(unittest.TestCase):
    """Every component, loaded from TorchScript, honours its declared contract for two different batch sizes
    (and different T, P, N, S)."""

    @classmethod
    def setUpClass(cls):
        cls.m = manifest()
        cls.mods = {n: torch.jit.load(os.path.join(BUNDLE, c["file"])) for n, c in cls.m["components"].items()}

    def test_declared_contract_is_the_tooling_contract(self):
        for name, comp in self.m["components"].items():
            ins, outs = nano.contract(name)
            self.assertEqual(comp["inputs"], ins, name)
            self.assertEqual(comp["outputs"], outs, name)

    def test_two_batch_sizes(self):
        for dims in ({"B": 1, "T": 1, "P": 0, "N": 3, "S": 16}, {"B": 3, "T": 6, "P": 4, "N": 5, "S": 7}):
            for name, comp in self.m["components"].items():
                with self.subTest(component=name, dims=dims):
                    ins = export.sample_inputs(name, dims["B"], 1, None, dims)
                    for x, s in zip(ins, comp["inputs"]):
                        self.assertEqual(list(x.shape), nano.resolve_shape(s["shape"], dims))
                        self.assertEqual(str(x.dtype), "torch." + s["dtype"])
                    with torch.no_grad():
                        outs = self.mods[name](*ins)
                    outs = list(outs) if isinstance(outs, tuple) else [outs]
                    _check_contract(self, name, comp["outputs"], outs, dims)

    def test_output_ranges(self):
        for name in ["encoder.image", "encoder.audio", "encoder.video"]:
            e = self.mods[name](*export.sample_inputs(name, 3, 5))
            self.assertTrue(torch.allclose(e.norm(dim=-1), torch.ones(3), atol=1e-5), name)
        for name in ["decoder.image.vae_decoder", "decoder.video.vae_decoder", "decoder.audio.vocoder"]:
            x = self.mods[name](*[t * 10 for t in export.sample_inputs(name, 2, 5)])
            self.assertLessEqual(float(x.abs().max()), 1.0, name)

    def test_committed_references_reproduce_with_committed_torchscript(self):
        for name in nano.COMPONENT_NAMES:
            with self.subTest(component=name):
                t, _ = safetensors_io.load(os.path.join(REFERENCE, name + ".safetensors"))
                ins = [t[f"input.{i}"] for i in range(len(self.m["components"][name]["inputs"]))]
                self.assertEqual(ins[0].shape[0] if name != "llm.forward" else ins[0].shape[0], 2)
                with torch.no_grad():
                    outs = self.mods[name](*ins)
                outs = list(outs) if isinstance(outs, tuple) else [outs]
                self.assertEqual(len(outs), len([k for k in t if k.startswith("output.")]))
                for i, o in enumerate(outs):
                    # rtol: trained logits reach ~15, where float32 summation order alone moves them by ~1e-5
                    torch.testing.assert_close(o, t[f"output.{i}"], atol=1e-5, rtol=1e-5)


class LlmSemanticsTest(unittest.TestCase):
    """KV cache, left padding and masking behave as the contract says."""

    @classmethod
    def setUpClass(cls):
        cls.embed = torch.jit.load(os.path.join(BUNDLE, "llm_embed.pt"))
        cls.fwd = torch.jit.load(os.path.join(BUNDLE, "llm_forward.pt"))

    def test_a_group_open_when_the_token_budget_ends_is_completed(self):
        with open(os.path.join(REFERENCE, "llm.generate.json")) as f:
            ref = json.load(f)
        free = ref["runs"]["free"]
        start = free["groups"][0]["start"]          # where "draw a red circle" opens its image group
        res = pipeline.generate(self.embed, self.fwd, ref["prompt_ids"], start + 1)
        self.assertEqual(res["ids"], free["ids"][:start + nano.SIGNAL_COUNTS["image"]])
        group = res["groups"][0]
        self.assertTrue(group["complete"])
        self.assertEqual(group["ids"], free["groups"][0]["ids"])
        self.assertEqual(tuple(group["hidden"].shape), (nano.SIGNAL_COUNTS["image"], nano.HIDDEN))
        # a budget that ends before the group opens stops there
        self.assertEqual(pipeline.generate(self.embed, self.fwd, ref["prompt_ids"], start)["groups"], [])

    def test_cache_equals_full_forward(self):
        ids = torch.tensor([[1, 311, 286, 938, 417, 514, 294, 391, 317]])
        n = ids.shape[1]
        e = self.embed(ids)
        full_logits, full_hidden, full_present = self.fwd(e, torch.ones(1, n, dtype=torch.int64),
                                                          torch.arange(n).unsqueeze(0), nano.empty_past(1))
        k = 5
        l1, h1, past = self.fwd(e[:, :k], torch.ones(1, k, dtype=torch.int64), torch.arange(k).unsqueeze(0),
                                nano.empty_past(1))
        logits, hidden = [l1], [h1]
        for i in range(k, n):
            li, hi, past = self.fwd(e[:, i:i + 1], torch.ones(1, i + 1, dtype=torch.int64),
                                    torch.tensor([[i]]), past)
            logits.append(li)
            hidden.append(hi)
        # float32 summation order differs between the two paths: logits of size ~10 differ in the 6th digit
        torch.testing.assert_close(torch.cat(logits, 1), full_logits, atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(torch.cat(hidden, 1), full_hidden, atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(past, full_present, atol=1e-5, rtol=1e-5)

    def test_left_padding_does_not_change_a_row(self):
        ids = torch.tensor([[1, 311, 286, 938, 417]])
        e = self.embed(ids)
        alone, h_alone, _ = self.fwd(e, torch.ones(1, 5, dtype=torch.int64), torch.arange(5).unsqueeze(0),
                                     nano.empty_past(1))
        pad = torch.randn(1, 3, 256)
        e2 = torch.cat([torch.cat([pad, e], 1), self.embed(torch.tensor([[1, 5, 6, 7, 8, 9, 10, 11]]))], 0)
        mask = torch.tensor([[0, 0, 0, 1, 1, 1, 1, 1], [1] * 8])
        pos = torch.tensor([[0, 0, 0, 0, 1, 2, 3, 4], list(range(8))])
        both, h_both, present = self.fwd(e2, mask, pos, nano.empty_past(2))
        torch.testing.assert_close(both[0:1, 3:], alone, atol=1e-5, rtol=1e-5)   # logits ~10: float32 order
        self.assertEqual(list(present.shape), [4, 2, 2, 4, 8, 64])

    def test_fully_masked_rows_stay_finite(self):
        e = torch.randn(2, 3, 256) * 0.02
        logits, hidden, present = self.fwd(e, torch.zeros(2, 3, dtype=torch.int64),
                                           torch.zeros(2, 3, dtype=torch.int64), nano.empty_past(2))
        self.assertTrue(torch.isfinite(logits).all() and torch.isfinite(hidden).all())


class TeacherForcingTest(unittest.TestCase):
    """``evaluate``'s teacher-forced path reads each signal group's states where generation would produce them."""

    def test_teacher_forced_groups_are_the_states_of_feeding_the_answer_token_by_token(self):
        from nextgpt_tooling import evaluate
        from nextgpt_tooling import train_data as D
        rt = evaluate.PythonRuntime(BUNDLE)
        text = "here is a red circle in the centre, and here is a low tone, one beep."
        case = {"users": [{"text": "draw a red circle and play a low beep", "media": []}],
                "answers": [{"text": text, "signals": ["image", "audio"]}]}
        groups = rt.teacher_forced_groups(case, media_dir=None)
        self.assertEqual(list(groups), ["image", "audio"])
        # the generation loop's view: the prompt once, then every answer token through the KV cache
        with torch.no_grad():
            prompt = rt.prompt_embeds(case, None)
            n = prompt.shape[1]
            past = nano.empty_past()
            _, _, past = rt.mods["llm.forward"](prompt, torch.ones(1, n, dtype=torch.int64),
                                                torch.arange(n).unsqueeze(0), past)
            states = {}
            for i, tok in enumerate(D.answer_ids(rt.sp, text, ["image", "audio"])):
                _, h, past = rt.mods["llm.forward"](rt.mods["llm.embed"](torch.tensor([[tok]])),
                                                    torch.ones(1, n + i + 1, dtype=torch.int64),
                                                    torch.tensor([[n + i]]), past)
                info = pipeline.signal_info(tok)
                if info is not None:
                    states.setdefault(info[0], []).append(h[0, 0])
        for m in ("image", "audio"):
            self.assertEqual(tuple(groups[m].shape), (nano.SIGNAL_COUNTS[m], nano.HIDDEN))
            torch.testing.assert_close(groups[m], torch.stack(states[m]), atol=1e-4, rtol=1e-4)
        # and not the states one token off
        self.assertFalse(torch.allclose(groups["image"][1:], torch.stack(states["image"])[:-1], atol=1e-2))


class NearestCaptionTest(unittest.TestCase):
    """``evaluate.NearestCaption`` reads a conditioning as the attributes of the caption whose conditioning is
    nearest: the projection's column of the teacher-forced path."""

    def test_every_combinations_caption_conditioning_reads_back_as_its_attributes(self):
        import itertools
        from nextgpt_tooling import evaluate, world_media, world_text
        # the combinations spelt out here, not taken from world.all_combos, which the reader itself uses
        rt = evaluate.PythonRuntime(BUNDLE)
        gen = torch.Generator().manual_seed(0)
        for m, attrs in world_media.ATTRIBUTES.items():
            reader = evaluate.NearestCaption(rt, m)
            every = [dict(zip(attrs, v)) for v in itertools.product(*attrs.values())]
            self.assertEqual(sorted(map(str, reader.combos)), sorted(map(str, every)), m)
            conds = [rt.caption_conditioning(m, world_text.canonical_caption(m, a))[0] for a in every]
            # a little off the caption's conditioning, as a projection lands: still that caption
            nudged = [c + 0.01 * torch.randn(c.shape, generator=gen) for c in conds]
            self.assertEqual(reader.predict(nudged), every, m)
            # each conditioning is read as its own combination, not as the one next to it in the list
            self.assertEqual(reader.predict(conds[1:] + conds[:1]), every[1:] + every[:1], m)


if __name__ == "__main__":
    unittest.main()
