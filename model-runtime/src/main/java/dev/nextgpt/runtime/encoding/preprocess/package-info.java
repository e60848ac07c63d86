/**
 * ImageBind-style preprocessing of decoded media into plain float tensors ({@link
 * dev.nextgpt.runtime.encoding.preprocess.FloatTensor}) with the shapes of the bundle's encoder contracts, so the
 * encoders get the same numbers the Python reference would give them:
 * {@link dev.nextgpt.runtime.encoding.preprocess.ImagePreprocessor} → [3,S,S],
 * {@link dev.nextgpt.runtime.encoding.preprocess.AudioPreprocessor} → [K,1,M,F] (Kaldi fbank,
 * {@link dev.nextgpt.runtime.encoding.preprocess.KaldiFbank}),
 * {@link dev.nextgpt.runtime.encoding.preprocess.VideoPreprocessor} → [K,3,Tc,S,S].
 * No dependency on DJL: the encoding tier wraps the arrays into NDArrays.
 */
package dev.nextgpt.runtime.encoding.preprocess;
