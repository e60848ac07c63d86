/**
 * The decoding tier of NExT-GPT: per modality, signal-token hidden states → output projection → latent diffusion with
 * classifier-free guidance (DDIM or DPM-Solver++ 2M) → VAE (→ vocoder for audio) → media tensors.
 *
 * <p>Entry point: {@link dev.nextgpt.runtime.decoding.ModalityDecoder}, built once per modality from a loaded
 * {@link dev.nextgpt.runtime.bundle.ModelBundle}; {@code decode(List<DecodeRequest>)} batches requests that share a
 * {@link dev.nextgpt.runtime.decoding.BatchKey} and returns one {@link dev.nextgpt.runtime.decoding.DecodedMedia} per
 * request. The pieces ({@link dev.nextgpt.runtime.decoding.OutputProjection},
 * {@link dev.nextgpt.runtime.decoding.DiffusionLoop}, {@link dev.nextgpt.runtime.decoding.Scheduler},
 * {@link dev.nextgpt.runtime.decoding.LatentDecoder}) are public for services and tests that need one stage.
 * See {@code model-runtime/README-decoding.md}.
 */
package dev.nextgpt.runtime.decoding;
