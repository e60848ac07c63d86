"""Training data, the whole training pipeline at a smoke budget, the judges and the evaluation's scoring."""
import argparse
import os
import random
import tempfile
import unittest

import numpy as np
import torch

from nextgpt_tooling import evaluate, export, judges, nano, pipeline, tokenizer, train, world, world_media, world_text
from nextgpt_tooling import train_data as D
from nextgpt_tooling.tokenizer import EOS


def _sp():
    return tokenizer.load_processor(tokenizer.train_tokenizer(1234))


class TrainDataTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sp = _sp()
        cls.w = world.World(1, 0, {"samples": {"train": 30, "valid": 10, "test": 10},
                                   "dialogues": {"train": 200, "valid": 40, "test": 40}})

    def test_signal_groups_sit_where_the_examples_say(self):
        seen = set()
        for d in self.w.dialogues("train"):
            for e in D.dialogue_examples(self.sp, d):
                self.assertEqual(e["ids"][-1], EOS)
                self.assertEqual(sum(i == D.MEDIA for i in e["ids"][:e["labels_from"]]), len(e["media"]))
                for m, start, target in e["groups"]:
                    first = nano.signal_first_id(m)
                    self.assertEqual(e["ids"][start:start + nano.SIGNAL_COUNTS[m]],
                                     list(range(first, first + nano.SIGNAL_COUNTS[m])))
                    self.assertGreaterEqual(start, e["labels_from"])
                    self.assertIn("caption", target)
                    seen.add(m)
        self.assertEqual(seen, set(world_media.MODALITIES))

    def test_history_answers_carry_no_signal_tokens(self):
        d = next(d for d in self.w.dialogues("train") if d["kind"] == "switch" and d["turns"][1]["signals"])
        second = D.dialogue_examples(self.sp, d)[1]
        prompt = second["ids"][:second["labels_from"]]
        self.assertFalse(any(pipeline.signal_info(i) for i in prompt if i >= 0))
        self.assertIn(d["turns"][1]["text"], self.sp.decode([i for i in prompt if i >= 0]))

    def test_encoder_inputs_have_the_contract_shapes(self):
        for m in world_media.MODALITIES:
            x = D.encoder_input(m, self.w.render(self.w.samples(m, "train")[0]))
            ins, _ = nano.contract(f"encoder.{m}")
            self.assertEqual(list(x.shape), ins[0]["shape"][1:], m)

    def test_log_mel_has_the_audio_decoder_shape_and_hears_the_beeps(self):
        s = next(s for s in self.w.samples("audio", "train") if s["attrs"]["pattern"] == "one beep")
        mel = D.log_mel(self.w.render(s))
        self.assertEqual(list(mel.shape), [1, nano.AUDIO_TM, nano.AUDIO_MEL_BINS])
        energy = mel[0].exp().sum(1)
        self.assertGreater(float(energy.max()), 5 * float(energy.min()))

    def test_chroma_subsampling_keeps_grey_and_blurs_colour_edges(self):
        grey = np.full((4, 4, 3), 90, np.uint8)
        self.assertTrue(np.array_equal(D.chroma_subsample(grey), grey))
        img = np.zeros((4, 4, 3), np.uint8)
        img[:, 1] = (200, 30, 30)
        out = D.chroma_subsample(img)
        self.assertGreater(int(out[0, 0, 0]), 0)   # red leaks into the neighbour column


    def test_media_reach_the_projection_as_float32_encoder_embeddings_under_bf16_alignment(self):
        # serving feeds the input projection float32 embeddings: the frozen encoders stay out of the autocast
        mods = nano.build(3)
        al = train.Aligner(mods, train.TrainLlm(mods["llm.embed"], mods["llm.forward"]),
                           train.Data(self.w, self.sp, lambda *_: None), {}, self.sp)
        examples = [e for d in self.w.dialogues("train") if d["kind"] == "understanding"
                    for e in D.dialogue_examples(self.sp, d)][:3]
        try:
            train.PRECISION["bf16"] = frozenset(train.PRECISION_PARTS)
            vecs = al.project_media(examples)
        finally:
            train.PRECISION["bf16"] = frozenset()
        self.assertEqual(vecs.dtype, torch.float32)
        self.assertEqual(len(vecs), sum(len(e["media"]) for e in examples))
        ref = examples[0]["media"][0]
        emb = al.media_cache[(ref["modality"], ref["seed"])]
        self.assertEqual(emb.dtype, torch.float32)
        with torch.no_grad():
            x = D.encoder_input(ref["modality"], world.World.render(ref), codec=(ref["modality"] == "video"))
            torch.testing.assert_close(emb, mods[f"encoder.{ref['modality']}"](x.unsqueeze(0))[0])


class FactorisedComponentsTest(unittest.TestCase):
    """What makes a held-out attribute combination readable and a beep pattern audible, by construction."""

    def test_audio_encoder_reads_rhythm_whatever_the_pitch_and_pitch_whatever_the_rhythm(self):
        torch.manual_seed(0)
        enc = nano.build(1234)["encoder.audio"].eval()
        fbank = torch.randn(1, 1, 1, 128, 100)
        with torch.no_grad():
            x = fbank.reshape(1, 1, 128, 100)
            b0, t0 = enc.streams(x)
            b_pitch, t_pitch = enc.streams(torch.roll(x, 16, dims=2))   # the same rhythm one mel band higher
            b_time, t_time = enc.streams(torch.roll(x, 10, dims=3))     # the same bands 0.1 s later
            b_loud, t_loud = enc.streams(x + 3.0)                       # louder (log energies shift)
        torch.testing.assert_close(t_pitch, t0)     # the rhythm stream does not see the pitch
        torch.testing.assert_close(t_loud, t0)      # nor the level
        torch.testing.assert_close(b_time, b0)      # the band stream does not see when it sounds
        self.assertGreater(float((b_pitch - b0).abs().max()), 1e-3)
        self.assertGreater(float((t_time - t0).abs().max()), 1e-3)
        # each stream owns half of the embedding: pitch and rhythm stay in coordinates of their own
        with torch.no_grad():
            e = enc(fbank) * 2 ** 0.5
            half = enc.band_head.out_features
            torch.testing.assert_close(e[:, :half], torch.nn.functional.normalize(enc.band_head(b0), dim=-1))
            torch.testing.assert_close(e[:, half:], torch.nn.functional.normalize(enc.time_head(t0), dim=-1))

    def test_audio_conditioning_adds_up_a_pitch_and_a_pattern_from_caption_to_decoder(self):
        mods = nano.build(1234)
        te, proj, den = (mods[k] for k in ("decoder.audio.text_encoder", "output_projection.audio",
                                           "decoder.audio.denoiser"))
        sp = _sp()

        def cond(caption):
            return te(torch.tensor([tokenizer.text_encoder_ids(sp, caption, nano.TEXT_LEN)]))
        with torch.no_grad():
            # the text encoder: what "one beep" adds to "two beeps" does not depend on the pitch words beside it
            torch.testing.assert_close(cond("a high tone, one beep") - cond("a high tone, two beeps"),
                                       cond("a low tone, one beep") - cond("a low tone, two beeps"))
            self.assertGreater(float((cond("a high tone, one beep") - cond("a low tone, one beep")).abs().max()), 1e-3)
            # the output projection: linear in the signal states
            a, b, e = torch.randn(1, 8, 256), torch.randn(1, 8, 256), torch.randn(1, 8, 256)
            zero = proj(torch.zeros_like(a), e)
            torch.testing.assert_close(proj(a + b, e) - zero, (proj(a, e) - zero) + (proj(b, e) - zero))
            # the denoiser reads the conditioning's profile (envelope over the 25 latent frames, spectrum over the 16
            # latent mel rows) and nothing else of it
            c = torch.randn(1, 1, 64)
            latent, t = torch.randn(1, 8, 25, 16), torch.tensor([500.0])
            rest = c.clone()
            rest[..., nano.AUDIO_PROFILE_DIM:] = 0
            torch.testing.assert_close(den(latent, t, c), den(latent, t, rest))
            self.assertGreater(float((den(latent, t, c) - den(latent, t, 0 * c)).abs().max()), 1e-4)
        self.assertEqual(list(den.position.shape), [1, 32, 25, 1])   # position along the frames only

    def test_sound_profile_puts_the_pattern_in_the_envelope_and_the_pitch_in_the_spectrum(self):
        profiles = {}
        for p in ("low", "high"):
            for q in ("one beep", "two beeps", "continuous"):
                wave = world_media.render("audio", {"pitch": p, "pattern": q}, 17)
                profiles[p, q] = train.sound_profile(D.decoder_target("audio", wave).unsqueeze(0))[0]

        def runs(envelope):   # stretches of latent frames above half the peak
            on = (envelope > 0.5).int().tolist()
            return sum(1 for i, v in enumerate(on) if v and (i == 0 or not on[i - 1]))
        for p in ("low", "high"):
            self.assertEqual(runs(profiles[p, "one beep"][:25]), 1)
            self.assertEqual(runs(profiles[p, "two beeps"][:25]), 2)
            self.assertGreater(float((profiles[p, "continuous"][:25] > 0.5).float().mean()), 0.9)
        low_row = {q: int(profiles["low", q][25:].argmax()) for q in ("one beep", "two beeps", "continuous")}
        high_row = {q: int(profiles["high", q][25:].argmax()) for q in ("one beep", "two beeps", "continuous")}
        self.assertEqual(len(set(low_row.values())), 1)
        self.assertEqual(len(set(high_row.values())), 1)
        self.assertLess(low_row["one beep"], high_row["one beep"])

    def test_video_encoder_sees_the_same_thing_whichever_way_it_moves(self):
        torch.manual_seed(0)
        enc = nano.build(1234)["encoder.video"].eval()
        frames = torch.randn(1, 1, 3, 2, 32, 32)
        reversed_ = frames.flip(dims=[3])            # the same two frames the other way round: the opposite motion
        with torch.no_grad():
            a0, m0 = enc.streams(frames[0])
            a1, m1 = enc.streams(reversed_[0])
            e = enc(frames) * 2 ** 0.5
        torch.testing.assert_close(a1, a0)           # appearance: what is there, not how it moves
        self.assertGreater(float((m1 - m0).abs().max()), 1e-3)
        # each stream owns half of the embedding
        half = enc.appearance_head.out_features
        torch.testing.assert_close(e[:, :half], torch.nn.functional.normalize(enc.appearance_head(a0), dim=-1))
        torch.testing.assert_close(e[:, half:], torch.nn.functional.normalize(enc.motion_head(m0), dim=-1))

    def test_vocoder_is_silent_where_the_mel_is_silent_whatever_its_weights(self):
        voc = nano.build(1234)["decoder.audio.vocoder"].eval()
        with torch.no_grad():
            for p in voc.parameters():
                p.normal_(0, 0.01)   # any coefficients (short of saturating the tanh): the mel magnitude gates them
            beep = world_media.render("audio", {"pitch": "mid", "pattern": "one beep"}, 3)
            mel = D.log_mel(beep)
            mel[:, 60:] = float(np.log(D.MEL_FLOOR))        # frames 60..99 silent
            y = voc(mel)[0]
        loud, quiet = y[:5000].abs().mean(), y[10500:].abs().mean()
        self.assertGreater(float(loud), 100 * float(quiet))

    def test_attribute_captions_name_their_attribute_and_nothing_else(self):
        for m, attrs in world_media.ATTRIBUTES.items():
            for k, vals in attrs.items():
                for v in vals:
                    cap = world_text.attribute_caption(m, k, v)
                    self.assertEqual(world_text.parse_attributes(m, cap),
                                     {name: (v if name == k else None) for name in attrs}, cap)


class TrainPipelineTest(unittest.TestCase):
    def test_smoke_budget_trains_every_stage_and_exports_a_loadable_bundle(self):
        with tempfile.TemporaryDirectory() as tmp:
            code = train.main(["--budget", "quick", "--out", os.path.join(tmp, "nano"), "--work", tmp,
                               "--threads", "1"])
            self.assertEqual(code, 0)
            with open(os.path.join(tmp, "train.log")) as f:
                lines = f.read()
            for stage in ["stage1 encoders", "stage1 llm pretrain", "stage1 vae video", "stage1 vocoder",
                          "stage1 denoiser audio", "stage2", "stage3", "stage4", "trainable share: stage 4"]:
                self.assertIn(stage, lines)
            mods, sp, manifest = export.load_bundle(os.path.join(tmp, "nano"))
            self.assertEqual(sorted(mods), sorted(nano.COMPONENT_NAMES))
            self.assertIn("trained", manifest["description"])
            # the merged LoRA is plain weights: the exported forward is a stock llm.forward
            ids = torch.tensor([[1, 5, 9]])
            logits, hidden, present = mods["llm.forward"](
                mods["llm.embed"](ids), torch.ones(1, 3, dtype=torch.int64), torch.arange(3).unsqueeze(0),
                nano.empty_past())
            self.assertEqual(list(logits.shape), [1, 3, nano.VOCAB])

            # stage 1 was checkpointed part by part; resuming with two parts trained again (the audio VAE takes its
            # denoiser with it) exports the same weights as the run from nothing: each part has its own seed
            ckpt = os.path.join(tmp, "stage1.safetensors")
            self.assertEqual(sorted(train.Stage1Checkpoint.read(ckpt)["parts"]), sorted(train.STAGE1_PARTS))
            code = train.main(["--budget", "quick", "--out", os.path.join(tmp, "again"), "--work", tmp,
                               "--threads", "1", "--resume", "--retrain", "vae.audio,encoders"])
            self.assertEqual(code, 0)
            with open(os.path.join(tmp, "train.log")) as f:
                self.assertIn("kept llm, vae.image, vae.video, vocoder, denoiser.image, denoiser.video; training "
                              "encoders, vae.audio, denoiser.audio", f.read())
            again, _, _ = export.load_bundle(os.path.join(tmp, "again"))
            for name, mod in mods.items():
                for key, t in mod.state_dict().items():
                    torch.testing.assert_close(again[name].state_dict()[key], t, atol=0, rtol=0,
                                               msg=f"{name}.{key}")

    def test_resume_trains_again_only_the_parts_whose_recipe_changed_or_that_are_missing(self):
        with tempfile.TemporaryDirectory() as tmp:
            args = argparse.Namespace(seed=1234, world_seed=1, retrain="")
            budget = {k: (dict(v) if isinstance(v, dict) else v) for k, v in train.BUDGETS["quick"].items()}
            path = os.path.join(tmp, "stage1.safetensors")
            mods = nano.build(1234)
            llm = train.TrainLlm(mods["llm.embed"], mods["llm.forward"])
            encs = {m: (train.vae_encoder(m), 0.5) for m in train.MODALITIES}
            ckpt = train.Stage1Checkpoint(path, args, budget, "tok")
            for part in train.STAGE1_PARTS:
                if part != "vocoder":  # a run stopped before the vocoder
                    ckpt.save(part, 1.0, mods, llm, encs)
            log = []
            budget["denoiser"]["video"] += 1
            budget["vae"]["image"] += 1
            redo = train.Stage1Checkpoint(path, args, budget, "tok").restore(
                nano.build(1234), llm, {}, "", lambda *a: log.append(" ".join(map(str, a))))
            # the video VAE is the image VAE on each frame, so it (and its denoiser) train again with it
            self.assertEqual(redo, {"vocoder", "denoiser.video", "vae.image", "denoiser.image", "vae.video"})
            self.assertTrue(any("denoiser.video's recipe changed (inherits, steps)" in line for line in log), log)
            # the video denoiser starts from the image one: it trains again whenever that does
            budget["vae"]["image"] -= 1
            budget["denoiser"]["video"] -= 1
            budget["denoiser"]["image"] += 1
            redo = train.Stage1Checkpoint(path, args, budget, "tok").restore(
                nano.build(1234), llm, {}, "", lambda *a: None)
            self.assertEqual(redo, {"vocoder", "denoiser.image", "denoiser.video"})
            # another tokenizer changes every part's recipe
            redo = train.Stage1Checkpoint(path, args, budget, "other").restore(
                nano.build(1234), llm, {}, "", lambda *a: None)
            self.assertEqual(redo, set(train.STAGE1_PARTS))
            with self.assertRaises(SystemExit):
                train.Stage1Checkpoint(path, args, budget, "tok").restore(nano.build(1234), llm, {}, "vae.smell",
                                                                        lambda *a: None)

    def test_resume_trains_a_part_whose_architecture_changed_from_its_own_initialisation(self):
        with tempfile.TemporaryDirectory() as tmp:
            args = argparse.Namespace(seed=1234, world_seed=1, retrain="")
            budget = train.BUDGETS["quick"]
            path = os.path.join(tmp, "stage1.safetensors")
            mods = nano.build(1234)
            trained = ["decoder.audio.denoiser", "decoder.video.vae_decoder", "decoder.image.denoiser"]
            with torch.no_grad():  # "trained" weights, told apart from the initialisation
                for name in trained:
                    for p in mods[name].parameters():
                        p.add_(1.0)
            llm = train.TrainLlm(mods["llm.embed"], mods["llm.forward"])
            encs = {m: (train.vae_encoder(m), 0.5) for m in train.MODALITIES}
            ckpt = train.Stage1Checkpoint(path, args, budget, "tok")
            for part in train.STAGE1_PARTS:
                ckpt.save(part, 1.0, mods, llm, encs)
            # the code changed since: the audio denoiser has a tensor more, the video VAE encoder another first conv
            ckpt.state["mods"]["decoder.audio.denoiser"].pop("input_skip")
            ckpt.state["vae_encoders"]["video"]["state"]["frame.conv_in.weight"] = torch.zeros(1, 1, 1, 1, 1)
            ckpt.write()
            log = []
            fresh = nano.build(1234)
            redo = train.Stage1Checkpoint(path, args, budget, "tok").restore(
                fresh, llm, {}, "", lambda *a: log.append(" ".join(map(str, a))))
            self.assertEqual(redo, {"denoiser.audio", "vae.video", "denoiser.video"})
            self.assertTrue(any("denoiser.audio in the checkpoint does not fit" in line for line in log), log)
            init = nano.build(1234)
            for name in trained:
                for key, t in fresh[name].state_dict().items():
                    want = init[name].state_dict()[key] + (1.0 if name == "decoder.image.denoiser" else 0.0)
                    self.assertTrue(torch.equal(t, want), f"{name}.{key}: kept {name == 'decoder.image.denoiser'}")

    def test_video_vae_is_the_image_vae_on_each_frame(self):
        torch.manual_seed(0)
        mods = nano.build(1234)
        img_enc = train.VaeEncoder(*train.VAE_SPEC["image"])
        with torch.no_grad():  # "trained" image VAE weights, told apart from the video decoder's initialisation
            for p in list(mods["decoder.image.vae_decoder"].parameters()) + list(img_enc.parameters()):
                p.add_(torch.randn_like(p) * 0.05)
        encs = {"image": (img_enc.eval(), 0.7)}
        train.inherit_image_vae(mods, encs, lambda *a: None)
        frames = torch.rand(2, 3, 8, 32, 32) * 2 - 1  # [B, 3, T, H, W]
        with torch.no_grad():
            mean, _ = encs["video"][0](frames)
            self.assertEqual(list(mean.shape), [2] + nano.DECODERS["video"]["latent_shape"])
            for f in (0, 5):
                torch.testing.assert_close(mean[:, :, f], img_enc(frames[:, :, f])[0])
            video = mods["decoder.video.vae_decoder"](mean)
            scale = train.DIFFUSION_STD["image"] / train.DIFFUSION_STD["video"]
            for f in (0, 5):  # the image decoder reads the video latent as it would at the image's diffusion std
                torch.testing.assert_close(video[:, :, f], mods["decoder.image.vae_decoder"](mean[:, :, f] * scale))
        self.assertEqual(encs["video"][1], 0.7)

    def test_inflated_video_denoiser_treats_a_still_clip_as_the_image_denoiser_treats_each_frame(self):
        torch.manual_seed(0)
        mods = nano.build(1234)
        image, video = mods["decoder.image.denoiser"], mods["decoder.video.denoiser"]
        with torch.no_grad():
            for p in image.parameters():
                p.add_(torch.randn_like(p) * 0.05)
        train.inherit_image_decoder(mods, lambda *a: None)
        z = torch.randn(2, *nano.DECODERS["image"]["latent_shape"]) * 0.25
        still = z.unsqueeze(2).expand(-1, -1, nano.DECODERS["video"]["latent_shape"][1], -1, -1).contiguous()
        t, cond = torch.tensor([700.0, 30.0]), torch.randn(2, nano.DECODERS["video"]["query_count"], 64)
        ids = torch.randint(0, nano.VOCAB, (2, nano.TEXT_LEN))
        with torch.no_grad():
            torch.testing.assert_close(video(still, t, cond), image(z, t, cond).unsqueeze(2).expand_as(still),
                                       atol=1e-5, rtol=1e-4)
            torch.testing.assert_close(mods["decoder.video.text_encoder"](ids),
                                       mods["decoder.image.text_encoder"](ids))
        # motion is left to learn: every 3-D kernel reads its own frame only (GroupNorm still pools the clip)
        temporal = [k for k, v in video.state_dict().items() if v.dim() == 5 and v.size(2) == 3]
        self.assertGreaterEqual(len(temporal), 10)
        for key in temporal:
            kernel = video.state_dict()[key]
            self.assertEqual(float(kernel[:, :, [0, 2]].abs().max()), 0.0, key)
            self.assertGreater(float(kernel[:, :, 1].abs().max()), 0.0, key)
        with self.assertRaises(ValueError):  # a module without a 3-D twin is refused, not half-copied
            train.inflate(video, mods["decoder.audio.denoiser"])

    def test_lora_merge_gives_the_same_outputs(self):
        torch.manual_seed(0)
        lin = torch.nn.Linear(8, 6, bias=False)
        lora = train.LoRALinear(lin, 4, 8)
        with torch.no_grad():
            lora.b.normal_()
        x = torch.randn(3, 8)
        torch.testing.assert_close(lora.merged()(x), lora(x), atol=1e-5, rtol=1e-5)


    def test_auto_precision_keeps_the_parts_not_validated_in_bf16_in_float32(self):
        auto = train.bf16_parts("auto", native=True)
        self.assertIn("llm", auto)
        self.assertIn("alignment", auto)
        for part in ("encoder.audio", "vae.audio", "vocoder", "denoiser.audio", "vae.image", "denoiser.image"):
            self.assertNotIn(part, auto)
        self.assertEqual(train.bf16_parts("auto", native=False), frozenset())  # emulated bfloat16 is slower
        self.assertEqual(train.bf16_parts("fp32", native=True), frozenset())
        self.assertEqual(train.bf16_parts("bf16", native=False), frozenset(train.PRECISION_PARTS))
        with self.assertRaises(ValueError):  # a forward pass names a part the switch knows
            with train.mixed("decoder"):
                pass

    def test_bf16_autocast_trains_the_convolutional_denoiser_close_to_float32_and_restores_the_norms(self):
        # CPU autocast leaves group/layer norm uncast; mixed() makes them read float32 while it is active only
        torch.manual_seed(0)
        den = train.freeze(nano.build(7)["decoder.image.denoiser"], True)
        x0 = torch.randn(4, *nano.DECODERS["image"]["latent_shape"])
        cond = torch.randn(4, nano.DECODERS["image"]["query_count"], 64)
        norms = (torch.nn.GroupNorm.forward, torch.nn.LayerNorm.forward)
        grads = {}
        try:
            for mode in (False, True):
                train.PRECISION["bf16"] = frozenset(["denoiser.image"] if mode else [])
                torch.manual_seed(1)  # same timesteps and noise in both modes
                den.zero_grad()
                loss = train.denoising_loss(den, x0, cond, "denoiser.image")
                loss.backward()
                self.assertEqual(loss.dtype, torch.float32)
                grads[mode] = torch.cat([p.grad.flatten() for p in den.parameters() if p.grad is not None])
        finally:
            train.PRECISION["bf16"] = frozenset()
        self.assertEqual((torch.nn.GroupNorm.forward, torch.nn.LayerNorm.forward), norms)
        self.assertTrue(torch.isfinite(grads[True]).all())
        cos = torch.nn.functional.cosine_similarity(grads[True], grads[False], dim=0)
        self.assertGreater(float(cos), 0.95, "bf16 gradients must point where float32 ones do")


JUDGE_TEST_STEPS = {"image": 300, "audio": 150, "video": 400}


class JudgesAndScoringTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # short runs (the audio judge's spectrogram CNN is the slow one: 150 steps read fresh renders at 100 %);
        # the evaluation's judges train on STEPS
        cls.judges, cls.acc = judges.train_judges(n=1200, steps=JUDGE_TEST_STEPS, log=lambda *_: None)
        cls.w = world.World(1, 0, {"samples": {"train": 20, "valid": 10, "test": 10},
                                   "dialogues": {"train": 100, "valid": 40, "test": 120}})

    def test_judges_read_fresh_renders(self):
        for m, by in self.acc.items():
            for k, v in by.items():
                # shape is the judges' hard attribute (a few pixels tell a circle from a square): reported, lower bar
                self.assertGreaterEqual(v, 0.6 if k == "shape" else 0.9, f"{m} {k}")

    def test_audio_judge_reads_no_tone_in_silence_and_hears_the_quietest_tone(self):
        rng = np.random.default_rng(5)
        t = np.arange(world_media.SAMPLES) / world_media.SAMPLE_RATE
        # what the audio decoder gives when it draws nothing: faint hiss, its peak far above the world's band
        hiss = (rng.normal(0, 0.002, t.shape) + 0.01 * np.sin(2 * np.pi * 7600 * t)).astype(np.float32)
        attrs = {"pitch": "low", "pattern": "one beep"}
        quiet = (world_media.render("audio", attrs, 11) * 0.3).astype(np.float32)
        self.assertFalse(judges.audible(hiss))
        self.assertTrue(judges.audible(quiet))
        silent, heard = self.judges["audio"].predict([hiss, quiet])
        self.assertEqual(silent, {"pitch": None, "pattern": None})
        self.assertEqual(heard, attrs)
        # scored: a target answered with silence fails every attribute, whatever the classifier alone would say
        case = {"id": "c", "kind": "explicit", "expected": ["audio"], "heldout_combo": False,
                "heldout_template": False, "targets": {"audio": {"attrs": attrs, "required": ["pitch", "pattern"]}}}
        res = evaluate.score([case], {"c": {"text": "", "signals": ["audio"], "media": {"audio": hiss}}}, self.judges)
        self.assertEqual(res["text → audio"]["acc"], 0.0)
        res = evaluate.score([case], {"c": {"text": "", "signals": ["audio"], "media": {"audio": quiet}}}, self.judges)
        self.assertEqual(res["text → audio"]["acc"], 1.0)

    def test_audio_judge_counts_beeps_whatever_their_length(self):
        # a generated beep need not last as long as the world's (one beep 0.25-0.35 s, each of two 0.16-0.22 s): a
        # single beep of 0.15 s or 0.55 s is one beep, two short ones are two
        timings = [("one beep", [(0.30, 0.45)]), ("one beep", [(0.15, 0.70)]), ("one beep", [(0.5, 0.62)]),
                   ("two beeps", [(0.10, 0.20), (0.32, 0.42)]), ("two beeps", [(0.05, 0.33), (0.60, 0.88)]),
                   ("continuous", [(0.02, 0.96)])]
        attrs = [{"pitch": p, "pattern": q} for p in ("low", "mid", "high") for q, _ in timings]
        sigs = [world_media.render_audio(a, 60 + i, timings[i % len(timings)][1]) for i, a in enumerate(attrs)]
        read = self.judges["audio"].predict(sigs)
        self.assertEqual([r["pattern"] for r in read], [a["pattern"] for a in attrs])
        self.assertEqual([r["pitch"] for r in read], [a["pitch"] for a in attrs])
        # the world's own timings are still read as before
        self.assertGreaterEqual(self.acc["audio"]["pattern"], 0.9)

    def _truthful_outputs(self, cases):
        out = {}
        for c in cases:
            media = {m: world_media.render(m, t["attrs"], 7 + i) for i, (m, t) in enumerate(c["targets"].items())}
            text = c["answers"][-1]["text"]
            out[c["id"]] = {"text": text, "signals": list(c["expected"]), "media": media}
        return out

    def test_truthful_outputs_score_near_full_marks_and_wrong_ones_do_not(self):
        cases = evaluate.build_cases(self.w)
        good = evaluate.score(cases, self._truthful_outputs(cases), self.judges)
        for row in ["text → image", "image → text", "signal routing", "multi-turn switching"]:
            self.assertIn(row, good)
        for row, r in good.items():
            self.assertGreaterEqual(r["acc"], 0.75, row)
        self.assertEqual(good["signal routing"]["acc"], 1.0)
        silent = {c["id"]: {"text": "", "signals": [], "media": {}} for c in cases}
        bad = evaluate.score(cases, silent, self.judges)
        self.assertEqual(bad["text → image"]["acc"], 0.0)
        self.assertEqual(bad["image → text"]["acc"], 0.0)
        self.assertLess(bad["signal routing"]["acc"], 0.5)
        self.assertEqual(bad["signal routing"]["by"]["no output wanted"], 1.0)

    def test_scores_split_seen_from_held_out_cases_and_records_every_case(self):
        cases = evaluate.build_cases(self.w)
        held = {c["id"] for c in cases if c["heldout_combo"]}
        self.assertTrue(held and len(held) < len(cases))
        # truthful everywhere but silent on the held-out combinations
        outputs = {k: (v if k not in held else {"text": "", "signals": [], "media": {}})
                   for k, v in self._truthful_outputs(cases).items()}
        records = []
        res = evaluate.score(cases, outputs, self.judges, records)
        # silent outputs fail every generation attribute of the held-out cases and nothing of the seen ones
        gen_rows = [row for row in res if row.startswith("text →") and "held-out combination" in res[row]["split"]]
        self.assertTrue(gen_rows)
        for row in gen_rows:
            self.assertEqual(res[row]["split"]["held-out combination"], 0.0, row)
            if "seen" in res[row]["split"]:
                self.assertGreater(res[row]["split"]["seen"], 0.5, row)
        self.assertEqual([r["id"] for r in records], [c["id"] for c in cases])
        for r in records:
            self.assertEqual(r["heldout_combo"], r["id"] in held)
            self.assertTrue(r["scored"], r["id"])      # every case is scored on something (routing at least)
        table = evaluate.split_table({"python": res})
        self.assertIn("python: held-out combination", table)

    def test_valid_split_gives_the_valid_dialogues_not_the_tests(self):
        test_cases = evaluate.build_cases(self.w)
        valid_cases = evaluate.build_cases(self.w, split="valid")
        self.assertEqual([c["id"] for c in valid_cases],
                         [d["id"].replace("/", "-") for d in self.w.dialogues("valid")])
        self.assertFalse({c["id"] for c in valid_cases} & {c["id"] for c in test_cases})
        self.assertEqual(len(evaluate.build_cases(self.w, 5, "valid")), 5)

    def test_java_cases_give_each_case_its_own_diffusion_seed_the_one_python_decodes_it_with(self):
        cases = evaluate.build_cases(self.w)
        records = evaluate.java_cases(cases, "/media")
        self.assertEqual([r["id"] for r in records], [c["id"] for c in cases])
        # Python decodes case i from seed i (PythonRuntime.run / decode); Java must too, not one seed for all
        self.assertEqual([r["seed"] for r in records], list(range(len(cases))))
        two_turn = next(i for i, c in enumerate(cases) if len(c["users"]) == 2)
        self.assertEqual(records[two_turn]["history"][0]["answer"], cases[two_turn]["answers"][0]["text"])
        with_media = next(i for i, c in enumerate(cases) if c["users"][-1]["media"])
        ref = cases[with_media]["users"][-1]["media"][0]
        self.assertEqual(records[with_media]["media"][0],
                         {"modality": ref["modality"], "path": evaluate.media_path("/media", ref)})

    def test_table_names_the_path_each_per_attribute_cell_comes_from(self):
        row = {"acc": 0.5, "n": 2, "by": {"colour": 0.5}, "split": {}}
        t = evaluate.table({"java": {"text → image": row}, "python, text only": {"image → text": row}})
        self.assertIn("| text → image | 2 | 50.0% | – | java: colour 50.0% |", t)
        self.assertIn("| image → text | 2 | – | 50.0% | python, text only: colour 50.0% |", t)


class AnswerBreakdownTest(unittest.TestCase):
    def test_cases_split_by_the_answer_given_and_each_path_counted_on_the_same_attributes(self):
        def rec(cid, text, signals, expected, oks):
            return {"id": cid, "text": text, "signals": signals, "expected_signals": expected,
                    "scored": [["signal routing", "explicit", signals == expected]]
                    + [["text → image", k, ok] for k, ok in zip(("colour", "shape"), oks)]
                    + [["text → image", "judged", {}]]}
        teacher = [rec("a", "here is a red circle.", ["image"], ["image"], [True, True]),
                   rec("b", "here is a red square.", ["image"], ["image"], [True, True]),
                   rec("c", "here is a blue square.", ["image"], ["image"], [True, False])]
        java = [rec("a", "here is a red circle.", ["image"], ["image"], [True, False]),   # same words
                rec("b", "okay, I drew a red square.", ["image"], ["image"], [True, True]),  # own words
                rec("c", "", [], ["image"], [False, False])]                            # no group
        t = evaluate.answer_breakdown(teacher, java, "java")
        row = next(line for line in t.splitlines() if line.startswith("| text → image"))
        cells = [c.strip() for c in row.strip("|").split("|")][1:]
        self.assertEqual(cells, ["2, 100.0%, 50.0%", "2, 100.0%, 100.0%", "2, 50.0%, 0.0%"])
        self.assertNotIn("signal routing", t)


if __name__ == "__main__":
    unittest.main()
