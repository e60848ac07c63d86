package dev.nextgpt.platform.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the JVM's shared {@link S3Server}: {@code @ExtendWith(S3ServerExtension.class)}, then a parameter of
 * type {@code S3Server}. Tests that share the server keep apart by using their own buckets.
 */
public final class S3ServerExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == S3Server.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return S3Server.shared();
  }
}
