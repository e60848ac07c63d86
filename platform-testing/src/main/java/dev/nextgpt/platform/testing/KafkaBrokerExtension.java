package dev.nextgpt.platform.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the JVM's shared {@link KafkaBroker} into test constructors, lifecycle and test methods:
 * {@code @ExtendWith(KafkaBrokerExtension.class)}, then {@code @BeforeAll static void setUp(KafkaBroker kafka)}.
 * Tests that share the broker keep apart by using their own topic names.
 */
public final class KafkaBrokerExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return KafkaBroker.shared();
  }
}
