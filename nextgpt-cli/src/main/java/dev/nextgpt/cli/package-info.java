/** One-shot command line: runs every tier of a bundle in one JVM, and the benchmark. */
package dev.nextgpt.cli;
