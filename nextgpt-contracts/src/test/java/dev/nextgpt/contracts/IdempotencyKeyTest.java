package dev.nextgpt.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {
  @Test
  void canonicalFormParsesBack() {
    IdempotencyKey key = new IdempotencyKey("job-7", Stage.DECODE_VIDEO, 2);
    assertEquals("job-7:decode-video:2", key.toString());
    assertEquals(key, IdempotencyKey.parse("job-7:decode-video:2"));
  }

  @Test
  void sameWorkHasTheSameStableUuidAndOtherWorkAnother() {
    IdempotencyKey a = new IdempotencyKey("job-7", Stage.DECODE_IMAGE, 0);
    assertEquals(a.stableUuid(), new IdempotencyKey("job-7", Stage.DECODE_IMAGE, 0).stableUuid());
    assertNotEquals(a.stableUuid(), new IdempotencyKey("job-7", Stage.DECODE_IMAGE, 1).stableUuid());
    assertNotEquals(a.stableUuid(), new IdempotencyKey("job-7", Stage.DECODE_AUDIO, 0).stableUuid());
    assertNotEquals(a.stableUuid(), new IdempotencyKey("job-8", Stage.DECODE_IMAGE, 0).stableUuid());
  }

  @Test
  void malformedKeysAreRefused() {
    for (String bad : new String[] {"job:encode", "job:encode:01", "job:encode:-1", "job:encode:256", "job:nope:0",
        "a:b:encode:0", "job:encode:0:", "../x:encode:0"}) {
      assertThrows(ContractViolation.class, () -> IdempotencyKey.parse(bad), bad);
    }
    assertThrows(ContractViolation.class, () -> new IdempotencyKey("job", null, 0));
  }

  @Test
  void stageOfADecoderFollowsItsModality() {
    assertEquals(Stage.DECODE_AUDIO, Stage.decode(Modality.AUDIO));
    assertEquals(Stage.GENERATE, Stage.fromWire("generate"));
    assertThrows(ContractViolation.class, () -> Stage.fromWire("GENERATE"));
  }
}
