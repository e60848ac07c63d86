/** The NExT-GPT model runtime: bundle loading and the encode, LLM and decode tiers on DJL's PyTorch engine. */
package dev.nextgpt.runtime;
