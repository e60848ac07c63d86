package dev.nextgpt.encoder.service;

import dev.nextgpt.contracts.messages.EncodedMedia;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import dev.nextgpt.contracts.tensors.TensorCodec;
import dev.nextgpt.encoder.config.EncoderConfig.WireDtype;
import dev.nextgpt.runtime.MediaEmbedding;

/** An embedding as the contract's safetensors blob: one tensor {@code llm_embeds} [tokens, hidden], F16 or F32. */
public final class EmbeddingPayloads {
    private static final TensorCodec CODEC = new TensorCodec();

    private EmbeddingPayloads() {}

    public static byte[] safetensors(MediaEmbedding embedding, WireDtype dtype) {
        long[] shape = {embedding.tokens(), embedding.hidden()};
        FloatTensor tensor = dtype == WireDtype.F32
                ? FloatTensor.f32(EncodedMedia.TENSOR, shape, embedding.data())
                : FloatTensor.f16(EncodedMedia.TENSOR, shape, embedding.data());
        return CODEC.encode(NamedTensors.of(tensor));
    }
}
