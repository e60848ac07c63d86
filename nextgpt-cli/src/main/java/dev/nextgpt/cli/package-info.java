/** One-shot command line: runs every tier of a bundle in one JVM, the benchmark, and batched evaluation runs. */
package dev.nextgpt.cli;
