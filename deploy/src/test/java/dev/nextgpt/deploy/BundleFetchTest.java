package dev.nextgpt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/docker/bundle-fetch.sh under /bin/sh with a stand-in for {@code mc} (alias, stat, mirror over a local
 * folder): what it copies, what it leaves out, how it swaps the folder in, and how it refuses bad settings.
 */
class BundleFetchTest {
  private static final String FAKE_MC = """
      #!/bin/bash
      # stand-in for MinIO's mc: store/<bucket>/<prefix> is $FAKE_S3/<bucket>/<prefix>
      set -eu
      local_path() { echo "$FAKE_S3/${1#store/}"; }
      case "$1" in
        alias) [[ "$4" == "$EXPECT_ENDPOINT" ]] || { echo "wrong endpoint $4" >&2; exit 1; } ;;
        stat) test -f "$(local_path "$2")" ;;
        mirror)
          shift; excludes=(); remove=0
          while [[ "$1" == --* ]]; do
            case "$1" in --exclude) excludes+=("$2"); shift 2 ;; --remove) remove=1; shift ;; *) shift ;; esac
          done
          src="$(local_path "$1")"; dst="$2"; mkdir -p "$dst"
          echo "${excludes[@]:-}" > "$FAKE_S3/.last-excludes"
          for f in "$src"*; do
            b="$(basename "$f")"; skip=0
            for p in "${excludes[@]:-}"; do [[ -n "$p" && "$b" == $p ]] && skip=1; done
            ((skip)) || cp "$f" "$dst/$b"
          done
          if ((remove)); then
            for f in "$dst"*; do [[ -e "$src$(basename "$f")" ]] || rm -f "$f"; done
          fi ;;
        *) echo "unexpected mc $*" >&2; exit 1 ;;
      esac
      """;

  private record Run(int exit, String output) {}

  private static Run fetch(Path tmp, Map<String, String> env) throws Exception {
    Path bin = tmp.resolve("bin");
    Files.createDirectories(bin);
    Path mc = bin.resolve("mc");
    Files.writeString(mc, FAKE_MC);
    Files.setPosixFilePermissions(mc, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", Repo.root().resolve("deploy/docker/bundle-fetch.sh").toString())
        .directory(tmp.toFile()).redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    e.put("PATH", bin + ":" + System.getenv("PATH"));
    e.put("FAKE_S3", tmp.resolve("s3").toString());
    e.put("EXPECT_ENDPOINT", "http://minio:9000");
    e.put("MC_CONFIG_DIR", tmp.resolve("mc-config").toString());
    e.putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out);
  }

  private static Map<String, String> settings(Path tmp, String url, String exclude) {
    Map<String, String> env = new HashMap<>();
    env.put("NEXTGPT_BUNDLE_URL", url);
    env.put("NEXTGPT_BUNDLE_PATH", tmp.resolve("bundles/real").toString());
    env.put("NEXTGPT_BUNDLE_EXCLUDE", exclude);
    env.put("NEXTGPT_S3_ENDPOINT", "http://minio:9000");
    env.put("NEXTGPT_S3_ACCESS_KEY", "ak");
    env.put("NEXTGPT_S3_SECRET_KEY", "sk");
    return env;
  }

  private static void bundleInStore(Path tmp, String... files) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("s3/nextgpt/bundles/real"));
    for (String f : files) {
      Files.writeString(dir.resolve(f), f);
    }
  }

  @Test
  void copiesTheBundleWithoutOtherTiersFilesAndSwapsItIn(@TempDir Path tmp) throws Exception {
    bundleInStore(tmp, "bundle.json", "tokenizer.model", "llm_embed.pt", "llm_forward.pt", "decoder_image_vae.pt",
        "decoder_video_vae.pt");
    // a file in the working directory that the pattern would match if the shell expanded it
    Files.writeString(tmp.resolve("decoder_video_x.pt"), "");
    Path target = tmp.resolve("bundles/real");
    Files.createDirectories(target);
    Files.writeString(target.resolve("stale.pt"), "old");

    Run r = fetch(tmp, settings(tmp, "s3://nextgpt/bundles/real/", "llm_forward.pt decoder_video_*"));
    assertEquals(0, r.exit(), r.output());
    try (var files = Files.list(target)) {
      assertEquals(List.of("bundle.json", "decoder_image_vae.pt", "llm_embed.pt", "tokenizer.model"),
          files.map(f -> f.getFileName().toString()).sorted().toList(), r.output());
    }
    assertEquals("llm_forward.pt decoder_video_*", Files.readString(tmp.resolve("s3/.last-excludes")).trim());
    assertFalse(Files.exists(tmp.resolve("bundles/real.partial")), "staging folder swapped in");

    Run again = fetch(tmp, settings(tmp, "s3://nextgpt/bundles/real", "llm_forward.pt decoder_video_*"));
    assertEquals(0, again.exit(), again.output());
    assertTrue(Files.exists(target.resolve("bundle.json")));
  }

  @Test
  void withoutAUrlTheMountedBundleIsUsed(@TempDir Path tmp) throws Exception {
    Run r = fetch(tmp, settings(tmp, "", ""));
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("NEXTGPT_BUNDLE_URL is not set"), r.output());
  }

  @Test
  void refusesAUrlThatIsNotS3AndAPrefixWithoutBundleJson(@TempDir Path tmp) throws Exception {
    Run notS3 = fetch(tmp, settings(tmp, "https://example.invalid/bundle", ""));
    assertEquals(2, notS3.exit(), notS3.output());
    bundleInStore(tmp, "tokenizer.model");
    Run noManifest = fetch(tmp, settings(tmp, "s3://nextgpt/bundles/real/", ""));
    assertEquals(1, noManifest.exit(), noManifest.output());
    assertTrue(noManifest.output().contains("no bundle.json under s3://nextgpt/bundles/real/"), noManifest.output());
    assertFalse(Files.exists(tmp.resolve("bundles/real")));
  }
}
